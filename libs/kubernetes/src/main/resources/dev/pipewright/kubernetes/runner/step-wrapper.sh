# Pipewright step wrapper: runs one step of a job inside its own container (POSIX sh).
# The job's steps share $pw_s (an emptyDir). A step reads whether an earlier step failed, whether
# the job was cancelled, and the outcomes of the earlier steps its if: reads ($PW_IF_STEPS), looks
# the resulting key up in $PW_RUN_WHEN (the keys under which its if: is true, evaluated by the
# worker) to decide whether to run, and reports its result in its termination message and in $pw_s
# for the later steps (outcome.N, conclusion.N, outputs.N/<name>). Holes ($PW_MARK<ref>$PW_MARK) in
# its script and env files are filled from those files and from secretKeyRef variables (PW_V_<i>)
# by pw_expand.
# The worker cancels a job by annotating its pod; the kubelet shows the pod's annotations in
# $pw_p/annotations (a downward API volume) and refreshes that file while the pod runs. A step that
# started before the cancel runs in the background while the wrapper polls that file every second,
# and is killed (TERM, KILL after $PW_KILL_GRACE seconds) once the cancel shows; later steps see the
# job status "cancelled", so only always()/cancelled() steps still run.
# It exits 0 so the next step's container starts: a failed step must not stop the pod, later steps
# may still run under failure()/always(). PW_STEP=0 is the pod's last container: it exits 1 when the
# job failed or was cancelled, so the Job shows it. Variables of the wrapper are pw_*: the sourced
# env files set the user's.
pw_s=${PW_STATE_DIR:-/pipewright/state}
pw_f=${PW_FILES_DIR:-/pipewright/files}
pw_p=${PW_PODINFO_DIR:-/pipewright/podinfo}
pw_term=${PW_TERMINATION_LOG:-/dev/termination-log}
mkdir -p "$pw_s/home" 2>/dev/null

# Whether the job was cancelled; the first container to see it leaves $pw_s/cancelled for the later
# ones. The file has one key="value" line per annotation.
pw_cancel_requested() {
  [ -f "$pw_s/cancelled" ] && return 0
  [ -f "$pw_p/annotations" ] || return 1
  while IFS= read -r pw_a || [ -n "$pw_a" ]; do
    case $pw_a in
      pipewright.dev/cancel-requested=*) : > "$pw_s/cancelled"; return 0 ;;
    esac
  done < "$pw_p/annotations"
  return 1
}

pw_status=success
[ -f "$pw_s/failed" ] && pw_status=failure
pw_cancel_requested && pw_status=cancelled
if [ "$PW_STEP" = 0 ]; then
  echo "job=$pw_status" > "$pw_term"
  [ "$pw_status" = success ]
  exit $?
fi
pw_n=$PW_STEP

pw_key=$pw_status
for pw_i in $PW_IF_STEPS; do
  pw_key="$pw_key:$(cat "$pw_s/outcome.$pw_i" 2>/dev/null || printf skipped)"
done
case " $PW_RUN_WHEN " in
  *" $pw_key "*) ;;
  *)
    # As on the local runner: a step the cancel keeps from running is cancelled, not skipped.
    pw_result=skipped
    [ "$pw_status" = cancelled ] && pw_result=cancelled
    printf '%s' "$pw_result" > "$pw_s/outcome.$pw_n"; printf '%s' "$pw_result" > "$pw_s/conclusion.$pw_n"
    echo "result=$pw_result" > "$pw_term"; exit 0 ;;
esac

# Parses a $GITHUB_ENV / $GITHUB_OUTPUT file (NAME=value lines and NAME<<DELIMITER heredocs),
# calling "$2 NAME VALUE" for each entry.
pw_parse() {
  pw_name=; pw_delim=; pw_val=; pw_first=
  while IFS= read -r pw_line || [ -n "$pw_line" ]; do
    if [ -n "$pw_delim" ]; then
      if [ "$pw_line" = "$pw_delim" ]; then
        "$2" "$pw_name" "$pw_val"; pw_delim=
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
      *=*) case ${pw_line%%=*} in *"<<"*) ;; *) "$2" "${pw_line%%=*}" "${pw_line#*=}"; continue ;; esac ;;
    esac
    case $pw_line in
      *"<<"*) pw_name=${pw_line%%<<*}; pw_delim=${pw_line#*<<}; pw_val=; pw_first=1 ;;
    esac
  done < "$1"
}
pw_export() { export "$1=$2"; }
pw_save_output() {
  case $1 in ""|*[!A-Za-z0-9_-]*) return ;; esac
  printf '%s' "$2" > "$pw_s/outputs.$pw_n/$(printf '%s' "$1" | tr '[:upper:]' '[:lower:]')"
}

# Prints a hole's value: u.N outcome, c.N conclusion, o.N.name output of step N, v.I secret value.
pw_value() {
  case $1 in
    u.*) cat "$pw_s/outcome.${1#u.}" 2>/dev/null ;;
    c.*) cat "$pw_s/conclusion.${1#c.}" 2>/dev/null ;;
    o.*) pw_ref=${1#o.}; cat "$pw_s/outputs.${pw_ref%%.*}/${pw_ref#*.}" 2>/dev/null ;;
    v.*) eval "printf '%s' \"\${PW_V_${1#v.}}\"" ;;
  esac
}
# Prints $1 with every hole filled.
pw_expand() {
  pw_rest=$1
  if [ -z "$PW_MARK" ]; then printf '%s' "$pw_rest"; return; fi
  while :; do
    case $pw_rest in *"$PW_MARK"*"$PW_MARK"*) ;; *) break ;; esac
    printf '%s' "${pw_rest%%"$PW_MARK"*}"
    pw_rest=${pw_rest#*"$PW_MARK"}
    pw_value "${pw_rest%%"$PW_MARK"*}"
    pw_rest=${pw_rest#*"$PW_MARK"}
  done
  printf '%s' "$pw_rest"
}

. "$pw_f/$pw_n.env"
[ -f "$pw_s/env" ] && pw_parse "$pw_s/env" pw_export
. "$pw_f/$pw_n.stepenv"
if [ -f "$pw_s/path" ]; then
  while IFS= read -r pw_d; do [ -n "$pw_d" ] && PATH="$pw_d:$PATH"; done < "$pw_s/path"
  export PATH
fi
pw_script=$pw_f/$pw_n.script
if [ -n "$PW_MARK" ]; then
  pw_text=$(cat "$pw_script"; printf x)
  pw_script=$pw_s/$pw_n.script
  pw_expand "${pw_text%x}" > "$pw_script"
fi
export GITHUB_ENV="$pw_s/env.$pw_n" GITHUB_OUTPUT="$pw_s/output.$pw_n" GITHUB_PATH="$pw_s/path.$pw_n"
export GITHUB_STEP_SUMMARY="$pw_s/summary.$pw_n"
: > "$GITHUB_ENV"; : > "$GITHUB_OUTPUT"; : > "$GITHUB_PATH"; : > "$GITHUB_STEP_SUMMARY"

if [ $# -eq 0 ]; then
  if command -v bash > /dev/null 2>&1; then
    set -- bash -e "$pw_script"
  else
    set -- sh -e "$pw_script"
  fi
fi
if [ "${PW_TIMEOUT:-0}" -gt 0 ] && command -v timeout > /dev/null 2>&1; then
  set -- timeout "$PW_TIMEOUT" "$@"
fi

# Sends signal $1 to the step: as the container's PID 1 (always, in a pod) to every other process of
# the container, which also reaches what the step detached; elsewhere to its process group.
pw_signal() {
  if [ $$ = 1 ]; then
    kill -s "$1" -- -1 2>/dev/null
  elif [ -n "$pw_group" ]; then
    kill -s "$1" -- "-$pw_pid" 2>/dev/null
  else
    kill -s "$1" "$pw_pid" 2>/dev/null
  fi
}
# Runs beside the step: once the cancel shows, marks the step killed and stops it.
pw_watch() {
  while sleep 1; do
    pw_cancel_requested || continue
    : > "$pw_s/killed.$pw_n"
    pw_signal TERM
    pw_w=0
    while [ "$pw_w" -lt "${PW_KILL_GRACE:-5}" ] && kill -0 "$pw_pid" 2>/dev/null; do
      sleep 1; pw_w=$((pw_w + 1))
    done
    pw_signal KILL
    return
  done
}
# Runs "$@", setting pw_rc. A step that runs because the job was cancelled (always(), cancelled())
# is not watched: only the worker's grace period stops it.
pw_run() {
  if [ "$pw_status" = cancelled ]; then
    "$@"
    pw_rc=$?
    return
  fi
  pw_group=
  if [ $$ != 1 ] && command -v setsid > /dev/null 2>&1; then
    setsid "$@" &
    pw_group=1
  else
    "$@" &
  fi
  pw_pid=$!
  pw_watch < /dev/null > /dev/null 2>&1 &
  pw_watcher=$!
  wait "$pw_pid"
  pw_rc=$?
  kill "$pw_watcher" 2>/dev/null
  if [ -f "$pw_s/killed.$pw_n" ]; then
    pw_signal KILL
    echo "##[error]The operation was canceled." >&2
  fi
}

if cd "$PW_WORKDIR" 2>/dev/null; then
  pw_run "$@"
else
  echo "::error::working-directory $PW_WORKDIR does not exist" >&2
  pw_rc=1
fi

cat "$GITHUB_ENV" >> "$pw_s/env"
cat "$GITHUB_PATH" >> "$pw_s/path"
mkdir -p "$pw_s/outputs.$pw_n"
pw_parse "$GITHUB_OUTPUT" pw_save_output
pw_result=success
pw_conclusion=success
pw_timedout=0
if [ -f "$pw_s/killed.$pw_n" ]; then
  pw_result=cancelled
  pw_conclusion=cancelled
elif [ $pw_rc -ne 0 ]; then
  pw_result=failure
  [ "${PW_TIMEOUT:-0}" -gt 0 ] && [ $pw_rc -eq 124 ] && pw_timedout=1
  if [ "$PW_CONTINUE_ON_ERROR" != true ]; then
    pw_conclusion=failure
    : > "$pw_s/failed"
  fi
fi
printf '%s' "$pw_result" > "$pw_s/outcome.$pw_n"
printf '%s' "$pw_conclusion" > "$pw_s/conclusion.$pw_n"
{
  echo "result=$pw_result"
  echo "exit=$pw_rc"
  echo "timeout=$pw_timedout"
  if [ "$(wc -c < "$GITHUB_OUTPUT")" -le 3000 ] && command -v base64 > /dev/null 2>&1; then
    echo "outputs=$(base64 < "$GITHUB_OUTPUT" | tr -d '\n')"
  else
    echo "outputs=truncated"
  fi
} > "$pw_term"
exit 0
