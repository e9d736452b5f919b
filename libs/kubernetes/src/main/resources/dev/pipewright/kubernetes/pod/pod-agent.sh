# Pipewright's pod agent: the main process of a job's pod (see PodAgent.java). It runs the commands
# the worker's job engine writes into the control directory $1 on the workspace volume, and
# decides nothing itself: every GitHub rule lives in the engine. POSIX sh only (dash, busybox ash,
# bash); besides the shell it uses mv, rm, sleep and cat, and setsid when the image has it.
#
#   <id>.cmd   a command (a sh script the worker wrote whole, then renamed into place); claimed by
#              renaming it to <id>.run, which its shell deletes as soon as it has read it (it holds
#              the step's environment, secrets included)
#   <id>.log   the command's stdout and stderr, appended as written
#   <id>.pid   its process group (its pid without setsid) while it runs
#   <id>.exit  its exit code once it ended (128+n for signal n): a tmp file, then renamed
#   <id>.sig   TERM or KILL for its process group, consumed by the agent
#   release    the job is over: kill what is left and exit 0
#   stopped    written first whenever the agent stops (release, or a signal: the pod is going
#              away); a command that ends after it gets no exit file, so a command killed with its
#              pod never looks like one that failed
#   agent.env  the agent's environment as the image and the pod give it (NUL-separated); written
#              once the agent is ready
# The agent also stops when the control directory is gone (its build was released): as the pod's
# main process, its end ends every process of the container.
c=$1
cd "$c" || exit 70
if command -v setsid >/dev/null 2>&1; then own=setsid; else own=; fi
tick() { sleep 0.05 2>/dev/null || sleep 1; }
signal() { # SIGNAL ID
  read -r p 2>/dev/null < "$2.pid" || return 0
  [ -n "$p" ] || return 0
  if [ -n "$own" ]; then
    # dash needs -- before a negative pid, busybox refuses it.
    kill -s "$1" -- "-$p" 2>/dev/null || kill -s "$1" "-$p" 2>/dev/null
  else
    kill -s "$1" "$p" 2>/dev/null
  fi
  return 0
}
stop() { # WHY CODE
  { echo "$1" > stopped.tmp && mv -f stopped.tmp stopped; } 2>/dev/null
  for f in *.pid; do [ -f "$f" ] && signal KILL "${f%.pid}"; done
  echo "pipewright pod agent: stopped ($1)" >&2
  exit "$2"
}
launch() { # ID, in a subshell of its own
  $own /bin/sh "./$1.run" </dev/null >>"$1.log" 2>&1 &
  p=$!
  echo "$p" > "$1.pid.tmp" && mv -f "$1.pid.tmp" "$1.pid"
  wait "$p"
  code=$?
  [ -e stopped ] && exit 0
  echo "$code" > "$1.exit.tmp" && mv -f "$1.exit.tmp" "$1.exit"
  rm -f "$1.pid"
}
trap 'stop TERM 143' TERM
trap 'stop INT 130' INT
trap 'stop HUP 129' HUP
{ cat "/proc/$$/environ" 2>/dev/null || :; } > agent.env.tmp && mv -f agent.env.tmp agent.env
while :; do
  [ -e release ] && stop release 0
  [ -d "$c" ] || stop "control directory gone" 0
  for f in *.cmd; do
    [ -f "$f" ] || continue
    id=${f%.cmd}
    mv -f -- "$f" "$id.run" || continue
    launch "$id" &
  done
  for f in *.sig; do
    [ -f "$f" ] || continue
    id=${f%.sig}
    if [ -e "$id.exit" ]; then rm -f -- "$f"; continue; fi
    [ -f "$id.pid" ] || continue
    read -r s 2>/dev/null < "$f"
    rm -f -- "$f"
    case $s in TERM | KILL) signal "$s" "$id" ;; esac
  done
  tick
done
