-- Why a build was cancelled, as its canceller said it (pipewright cancel --reason, Ctrl-C, a
-- deleted PipelineRun); the first request's reason is kept, as its time is.
ALTER TABLE builds ADD COLUMN cancel_reason text;
