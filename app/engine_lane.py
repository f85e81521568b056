"""The engine's lane: the AI's tasks on a thread of their own inside the moves worker.

A t3.micro cannot spare 47 MB for a second Celery process that only waits on GNU Go, yet a
human move must never wait behind the engine. So the worker that serves ``moves`` can serve
``bot`` too (``python -m app.worker moves bot``): human moves still run inline in the worker's
solo pool, one at a time, in order; the engine's tasks go to a single thread beside them, one at
a time, in order. GNU Go runs in its own process, so that thread mostly waits on a pipe.

How it plugs in: the engine's tasks name :func:`strategy` as their Celery ``Strategy`` (the
function that turns a received message into work). Outside a worker that enabled the lane it is
Celery's default strategy, unchanged: a worker of the ``bot`` queue alone runs them inline.
Inside one, a received engine task

* widens the consumer's prefetch window by one while the lane holds it (as Celery does for a
  task with an ETA), so the next human move is fetched at once rather than behind it;
* stays acknowledged late: a worker that dies mid-move loses nothing, the message is given
  again after the visibility timeout (and the move is played once per version, ``tasks.bot``).
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Optional

from celery.concurrency.base import apply_target
from celery.concurrency.thread import ApplyResult
from celery.concurrency.thread import TaskPool as ThreadPool
from celery.worker.strategy import default

log = logging.getLogger(__name__)

STRATEGY = "app.engine_lane:strategy"
"""What the engine's tasks name as their Celery ``Strategy``."""


class LanePool(ThreadPool):  # type: ignore[misc]  # Celery has no type information
    """Celery's thread pool with one thread, telling ``on_done`` when each task has finished
    (after its acknowledgement)."""

    def __init__(self, on_done: Callable[[], None]) -> None:
        super().__init__(limit=1)
        self._on_done = on_done

    def on_apply(self, target: Any, args: Any = None, kwargs: Any = None, callback: Any = None,
                 accept_callback: Any = None, **_: Any) -> ApplyResult:
        def run() -> None:
            try:
                apply_target(target, args, kwargs, callback, accept_callback)
            except BaseException:  # noqa: BLE001  (a task's own errors are the tracer's; not these)
                log.exception("engine lane: a task failed outside its own error handling")
            finally:
                self._on_done()

        return ApplyResult(self.executor.submit(run))


class Lane:
    """The thread, and the consumer whose prefetch window each task it holds widens (a worker
    has one consumer)."""

    def __init__(self) -> None:
        self._consumer: Any = None
        self.pool = LanePool(on_done=self._done)
        self.pool.start()

    def take(self, consumer: Any, request: Any) -> None:
        """The consumer hands over a received engine task (in the consumer's thread)."""
        self._consumer = consumer
        consumer.qos.increment_eventually()
        try:
            request.execute_using_pool(self.pool)
        except BaseException:  # e.g. revoked: it never reaches the thread, so never ends there
            self._done()
            raise

    def _done(self) -> None:
        # kombu's QoS counts under its own lock, and never narrows below one.
        self._consumer.qos.decrement_eventually()

    def stop(self) -> None:
        """Queued engine tasks are dropped (unacknowledged: the broker gives them again); the
        one running finishes, bounded by the engine's own time limits."""
        self.pool.executor.shutdown(wait=False, cancel_futures=True)


class _ConsumerWithLane:
    """The consumer as Celery's default strategy sees it, except that requests go to the lane."""

    def __init__(self, consumer: Any, lane: Lane) -> None:
        self._consumer = consumer
        self._lane = lane
        self.pool = lane.pool

    def __getattr__(self, name: str) -> Any:
        return getattr(self._consumer, name)

    def on_task_request(self, request: Any) -> None:
        self._lane.take(self._consumer, request)


_lane: Optional[Lane] = None


def enable() -> Lane:
    """Run the engine's tasks of this process's worker on the lane (call before the worker starts)."""
    global _lane
    if _lane is None:
        _lane = Lane()
    return _lane


def disable() -> None:
    global _lane
    if _lane is not None:
        _lane.stop()
    _lane = None


def strategy(task: Any, app: Any, consumer: Any, **kwargs: Any) -> Any:
    """Celery's default strategy, with the lane in place of the worker's pool when enabled."""
    if _lane is None:
        return default(task, app, consumer, **kwargs)
    return default(task, app, _ConsumerWithLane(consumer, _lane), **kwargs)
