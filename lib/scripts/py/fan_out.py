import os, pickle
# fan_out.py: the first part of tree_digest.py and assert_release.py (helpers.ts
# joins them), so that both share one way of spreading per-file work.
# fan_out(n, work) is [work(i) for i in range(n)]. With enough items it is
# shared among forked workers, one per CPU this process may use (at most
# FAN_OUT_MOST), each taking every Nth item: on a host, each file's cost is
# system calls and parsing, which one process cannot overlap. A worker's
# exception is raised here as if the work had run in this process; a worker
# that ends without reporting its whole share ends the run. A worker dies with
# this process (PR_SET_PDEATHSIG), so none outlives a killed run and writes on.
FAN_OUT_MOST, FAN_OUT_EACH = 4, 200
def fan_out(n, work):
    workers = min(FAN_OUT_MOST, len(os.sched_getaffinity(0)), n // FAN_OUT_EACH)
    if workers < 2:
        return [work(i) for i in range(n)]
    import ctypes
    prctl, parent = ctypes.CDLL(None, use_errno=True).prctl, os.getpid()
    kids = {}  # worker number -> (pid, read end of its pipe), until its results are taken
    try:
        for w in range(1, workers):
            r, wr = os.pipe()
            pid = os.fork()
            if pid == 0:
                code = 1
                try:
                    os.close(r)
                    if prctl(1, 9) != 0 or os.getppid() != parent:  # PR_SET_PDEATHSIG, SIGKILL
                        os._exit(1)
                    try:
                        out = (True, [work(i) for i in range(w, n, workers)])
                    except BaseException as e:
                        out = (False, e)
                    with os.fdopen(wr, "wb") as fh:
                        fh.write(pickle.dumps(out))
                    code = 0
                finally:
                    os._exit(code)
            os.close(wr)
            kids[w] = (pid, r)
        got = [None] * n
        got[0::workers] = [work(i) for i in range(0, n, workers)]
        for w in range(1, workers):
            pid, r = kids.pop(w)
            with os.fdopen(r, "rb") as fh:
                data = fh.read()
            status = os.waitpid(pid, 0)[1]
            ok, out = pickle.loads(data) if status == 0 and data else (False, None)
            if not ok and isinstance(out, BaseException):
                raise out
            if not ok or len(out) != len(range(w, n, workers)):
                raise SystemExit("fan_out: worker %d of %d ended without its %d results (wait status %d): nothing it did is taken" % (w, workers, len(range(w, n, workers)), status))
            got[w::workers] = out
        return got
    finally:
        # Only when the caller fails (or a worker's results do): the workers still running are stopped and reaped.
        for pid, r in kids.values():
            os.close(r)
            try:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
            except OSError:
                pass
