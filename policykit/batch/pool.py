"""Worker processes with affinity: chunk i always goes to worker i mod N.

A chunk is checked and later rendered by the same worker, which keeps the
checked cases in between; only raw cell values and small plain records cross
process boundaries. ``Inline`` runs the same protocol in the parent (--workers 1).
"""
from __future__ import annotations

import queue
from collections import deque
from multiprocessing import get_context

from . import work


class WorkerDied(RuntimeError):
    pass


class Processes:
    def __init__(self, n: int, cfg: work.Config):
        ctx = get_context("forkserver")
        self.outbox = ctx.Queue()
        self.inboxes = [ctx.Queue() for _ in range(n)]
        self.procs = [ctx.Process(target=work.serve, args=(cfg, inbox, self.outbox), daemon=True,
                                  name=f"policykit-batch-{i}") for i, inbox in enumerate(self.inboxes)]
        for p in self.procs:
            p.start()

    def send(self, cid: int, op: str, payload) -> None:
        self.inboxes[cid % len(self.inboxes)].put((op, cid, payload))

    def receive(self, stop=None) -> tuple:
        """The next reply from any worker; KeyboardInterrupt as soon as ``stop()`` says so."""
        while True:
            if stop is not None and stop():
                raise KeyboardInterrupt
            try:
                return self.outbox.get(timeout=0.2)
            except queue.Empty:
                dead = [p for p in self.procs if not p.is_alive()]
                if dead:
                    raise WorkerDied(
                        f"工作进程 {dead[0].name} 意外退出（退出码 {dead[0].exitcode}）；已完成的案件均已保存，"
                        "可用同一命令重新运行") from None

    def close(self, kill: bool = False) -> None:
        if not kill:
            for inbox in self.inboxes:
                inbox.put(None)
        for p in self.procs:
            if kill:
                p.terminate()
            p.join(timeout=None if not kill else 5)
            if p.is_alive():
                p.kill()
                p.join()
        for q in (*self.inboxes, self.outbox):
            q.cancel_join_thread()
            q.close()


class Inline:
    """The same protocol without processes."""

    def __init__(self, cfg: work.Config):
        self.worker = work.Worker(cfg)
        self.replies: deque = deque()

    def send(self, cid: int, op: str, payload) -> None:
        self.replies.append(self.worker.handle((op, cid, payload)))

    def receive(self, stop=None) -> tuple:
        return self.replies.popleft()

    def close(self, kill: bool = False) -> None:
        self.replies.clear()
