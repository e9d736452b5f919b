# Makes sure the local PostgreSQL and RabbitMQ that Pipewright uses are running, starting them
# when they are down. Sourced by bin/test, .ci/run and the demo.

pw_port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

pw_wait_port() { # $1 port, $2 name, $3 seconds
  local i
  for ((i = 0; i < $3 * 2; i++)); do
    pw_port_open "$1" && return 0
    sleep 0.5
  done
  echo "pipewright: $2 did not come up on 127.0.0.1:$1" >&2
  return 1
}

pw_ensure_services() {
  if ! pw_port_open 5432; then
    echo "pipewright: starting PostgreSQL" >&2
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n 1)" main start
    pw_wait_port 5432 PostgreSQL 60 || return 1
  fi
  if ! pw_port_open 5672; then
    echo "pipewright: starting RabbitMQ" >&2
    rabbitmq-server -detached
    pw_wait_port 5672 RabbitMQ 120 || return 1
  fi
  # RabbitMQ accepts connections a moment before it serves AMQP; wait until it says it runs.
  if command -v rabbitmq-diagnostics >/dev/null 2>&1; then
    local i
    for ((i = 0; i < 60; i++)); do
      rabbitmq-diagnostics -q check_running >/dev/null 2>&1 && break
      sleep 1
    done
  fi
}
