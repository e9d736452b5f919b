# Pipewright step wrapper: runs one step of a job inside its own container (POSIX sh).
# The job's steps share $PW_STATE (an emptyDir); a step reads whether an earlier step failed, decides
# from $PW_RUN_WHEN (the statuses under which its if: is true, evaluated by the worker) whether to
# run, and reports its result in its termination message. It exits 0 so the next step's container
# starts: a failed step must not stop the pod, later steps may still run under failure()/always().
# PW_STEP=0 is the pod's last container: it exits 1 when the job failed, so the Job shows it.
S=${PW_STATE_DIR:-/pipewright/state}
F=${PW_FILES_DIR:-/pipewright/files}
T=${PW_TERMINATION_LOG:-/dev/termination-log}
mkdir -p "$S/home" 2>/dev/null
status=success
[ -f "$S/failed" ] && status=failure
if [ "$PW_STEP" = 0 ]; then
  echo "job=$status" > "$T"
  [ "$status" = success ]
  exit $?
fi
n=$PW_STEP
case " $PW_RUN_WHEN " in
  *" $status "*) ;;
  *) echo "result=skipped" > "$T"; exit 0 ;;
esac

# $GITHUB_ENV of earlier steps: NAME=value lines and NAME<<DELIMITER heredocs.
pw_load_env() {
  pw_name=; pw_delim=; pw_val=; pw_first=
  while IFS= read -r pw_line || [ -n "$pw_line" ]; do
    if [ -n "$pw_delim" ]; then
      if [ "$pw_line" = "$pw_delim" ]; then
        export "$pw_name=$pw_val"; pw_delim=
      elif [ -n "$pw_first" ]; then
        pw_val=$pw_line; pw_first=
      else
        pw_val="$pw_val
$pw_line"
      fi
      continue
    fi
    case $pw_line in
      "") ;;
      *=*) case ${pw_line%%=*} in *"<<"*) ;; *) export "$pw_line"; continue ;; esac ;;
    esac
    case $pw_line in
      *"<<"*) pw_name=${pw_line%%<<*}; pw_delim=${pw_line#*<<}; pw_val=; pw_first=1 ;;
    esac
  done < "$1"
}

. "$F/$n.env"
[ -f "$S/env" ] && pw_load_env "$S/env"
. "$F/$n.stepenv"
if [ -f "$S/path" ]; then
  while IFS= read -r d; do [ -n "$d" ] && PATH="$d:$PATH"; done < "$S/path"
  export PATH
fi
export GITHUB_ENV="$S/env.$n" GITHUB_OUTPUT="$S/output.$n" GITHUB_PATH="$S/path.$n"
export GITHUB_STEP_SUMMARY="$S/summary.$n"
: > "$GITHUB_ENV"; : > "$GITHUB_OUTPUT"; : > "$GITHUB_PATH"; : > "$GITHUB_STEP_SUMMARY"

if [ $# -eq 0 ]; then
  if command -v bash > /dev/null 2>&1; then
    set -- bash -e "$F/$n.script"
  else
    set -- sh -e "$F/$n.script"
  fi
fi
if [ "${PW_TIMEOUT:-0}" -gt 0 ] && command -v timeout > /dev/null 2>&1; then
  set -- timeout "$PW_TIMEOUT" "$@"
fi
if cd "$PW_WORKDIR" 2>/dev/null; then
  "$@"
  rc=$?
else
  echo "::error::working-directory $PW_WORKDIR does not exist" >&2
  rc=1
fi

cat "$GITHUB_ENV" >> "$S/env"
cat "$GITHUB_PATH" >> "$S/path"
result=success
timedout=0
if [ $rc -ne 0 ]; then
  result=failure
  [ "${PW_TIMEOUT:-0}" -gt 0 ] && [ $rc -eq 124 ] && timedout=1
  [ "$PW_CONTINUE_ON_ERROR" = true ] || : > "$S/failed"
fi
{
  echo "result=$result"
  echo "exit=$rc"
  echo "timeout=$timedout"
  if [ "$(wc -c < "$GITHUB_OUTPUT")" -le 3000 ] && command -v base64 > /dev/null 2>&1; then
    echo "outputs=$(base64 < "$GITHUB_OUTPUT" | tr -d '\n')"
  else
    echo "outputs=truncated"
  fi
} > "$T"
exit 0
