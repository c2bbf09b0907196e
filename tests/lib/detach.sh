# Starting a daemon from a test: it must not inherit the caller's open files. A daemon that
# keeps the fd of a lock (ours, or the `flock /tmp/mr-e2e.lock ... run-all.sh` around a run)
# holds that lock for as long as it runs, and every later run waits for it forever.

# Runs "$@" with every file descriptor above 2 closed.
run_detached() {
    (
        for fd in $(ls /proc/$BASHPID/fd); do
            [ "$fd" -gt 2 ] && eval "exec $fd>&-"
        done
        exec "$@"
    )
}
