"""Where a sweep's tasks run: serially, in a local process pool, on any
:class:`concurrent.futures.Executor`, or on a Dask cluster through a ``dask.distributed.Client``.

Tasks are module-level functions with picklable arguments (the cycle as its specification, the
points as parameter values), so they pickle with the standard :mod:`pickle`. They are submitted in
waves (a bounded number in flight, refilled as results come back), so a sweep of a million points
never holds a million futures; results are collected in any order and placed by their key, so the
outcome does not depend on the executor.

A Dask client is recognised by its class's module (``distributed...``), without importing Dask
otherwise.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import os
from typing import Any, Callable, Iterable, Iterator

from ..errors import ParameterError
from ..progress import ProgressBar

#: tasks in flight per worker (a local pool), and at least this many on a Dask cluster, whose
#: round trips (a few ms) would otherwise leave workers idle between tasks
IN_FLIGHT_PER_WORKER = 4
IN_FLIGHT_DASK = 32


def is_dask_client(executor: Any) -> bool:
    """True if ``executor`` is a ``dask.distributed.Client`` (checked without importing Dask).

    Examples
    --------
    >>> is_dask_client(None), is_dask_client("processes")
    (False, False)
    """
    module = type(executor).__module__ or ""
    return module.split(".")[0] == "distributed" and hasattr(executor, "submit") and hasattr(executor, "gather")


class Runner:
    """Runs tasks on one kind of executor; a context manager that shuts down a pool it created.

    Parameters
    ----------
    executor : None, "processes", int, concurrent.futures.Executor or dask.distributed.Client
        None runs serially in this process; ``"processes"`` or ``n`` a local
        :class:`~concurrent.futures.ProcessPoolExecutor` (``os.cpu_count()`` or ``n`` workers) that
        the sweep creates and shuts down; an executor or client given by the user is used and
        left running.

    Examples
    --------
    >>> with Runner(None) as runner:
    ...     out = {}
    ...     n_tasks = runner.run(pow, (2,), [((3,), "a"), ((4,), "b")], lambda key, r: out.update({key: r}))
    >>> out, n_tasks, runner.kind
    ({'a': 8, 'b': 16}, 2, 'serial')
    """

    def __init__(self, executor: Any):
        self._owned = False
        self.client: Any = None
        self.pool: concurrent.futures.Executor | None = None
        if executor is None:
            self.kind, self.workers = "serial", 1
        elif isinstance(executor, bool):
            raise ParameterError(f"sweep executor must be None, 'processes', a number of processes, a "
                                 f"concurrent.futures.Executor or a dask.distributed.Client; got {executor!r}")
        elif executor == "processes" if isinstance(executor, str) else isinstance(executor, int):
            n = (os.cpu_count() or 1) if isinstance(executor, str) else int(executor)
            if n < 1:
                raise ParameterError(f"sweep executor: the number of processes must be >= 1; got {executor!r}")
            self.pool = concurrent.futures.ProcessPoolExecutor(max_workers=n)
            self._owned = True
            self.kind, self.workers = f"processes (a local ProcessPoolExecutor of {n} workers)", n
        elif isinstance(executor, concurrent.futures.Executor):
            self.pool = executor
            n = int(getattr(executor, "_max_workers", 0) or os.cpu_count() or 1)
            self.kind, self.workers = f"{type(executor).__module__}.{type(executor).__name__}", n
        elif is_dask_client(executor):
            self.client = executor
            try:
                info = executor.scheduler_info()["workers"]
                n = sum(int(w.get("nthreads", 1)) for w in info.values())
            except Exception:  # the count only sets how many tasks are in flight
                n = 0
            self.workers = max(1, n)
            self.kind = f"dask.distributed (a Client with {n} worker threads)"
        else:
            raise ParameterError(f"sweep executor must be None, 'processes', a number of processes, a "
                                 f"concurrent.futures.Executor or a dask.distributed.Client; got {executor!r}")

    @property
    def serial(self) -> bool:
        """True if tasks run in this process, one after another."""
        return self.kind == "serial"

    def __enter__(self) -> Runner:
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._owned and self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)

    def run(self, fn: Callable[..., Any], shared: tuple[Any, ...], tasks: Iterable[tuple[tuple[Any, ...], Any]],
            on_result: Callable[[Any, Any], None]) -> int:
        """Run ``fn(*shared, *args)`` for each ``(args, key)`` of ``tasks``, calling
        ``on_result(key, result)`` as results arrive; returns the number of tasks. ``shared``
        arguments (the cycle, the analysis) are sent to a Dask cluster once. An exception in a task
        cancels the others and propagates."""
        it = iter(tasks)
        if self.pool is None and self.client is None:
            n = 0
            for args, key in it:
                on_result(key, fn(*shared, *args))
                n += 1
            return n
        limit = max(2, IN_FLIGHT_PER_WORKER * self.workers)
        if self.client is not None:
            return self._run_dask(fn, shared, it, on_result, max(limit, IN_FLIGHT_DASK))
        return self._run_pool(fn, shared, it, on_result, limit)

    def _run_pool(self, fn: Callable[..., Any], shared: tuple[Any, ...], it: Iterator[tuple[tuple[Any, ...], Any]],
                  on_result: Callable[[Any, Any], None], limit: int) -> int:
        assert self.pool is not None
        pending: dict[concurrent.futures.Future, Any] = {}
        n = 0
        try:
            while True:
                while len(pending) < limit:
                    try:
                        args, key = next(it)
                    except StopIteration:
                        break
                    pending[self.pool.submit(fn, *shared, *args)] = key
                    n += 1
                if not pending:
                    return n
                done, _ = concurrent.futures.wait(pending, return_when=concurrent.futures.FIRST_COMPLETED)
                for future in done:
                    key = pending.pop(future)
                    on_result(key, future.result())
        finally:
            for future in pending:
                future.cancel()

    def _run_dask(self, fn: Callable[..., Any], shared: tuple[Any, ...], it: Iterator[tuple[tuple[Any, ...], Any]],
                  on_result: Callable[[Any, Any], None], limit: int) -> int:
        from distributed import as_completed  # noqa: PLC0415 - only when given a Dask client

        client = self.client
        # the cycle and the analysis go to every worker once (a task refers to them by key)
        remote = client.scatter(list(shared), broadcast=True, hash=False) if shared else []
        keys: dict[str, Any] = {}
        n = 0

        def submit(k: int) -> list[Any]:
            """Up to ``k`` more tasks, in one client.map call."""
            nonlocal n
            wave = list(itertools.islice(it, k))
            if not wave:
                return []
            columns = [[r] * len(wave) for r in remote] + [list(c) for c in zip(*(args for args, _ in wave))]
            futures = client.map(fn, *columns, pure=False)
            for future, (_, key) in zip(futures, wave):
                keys[future.key] = key
            n += len(wave)
            return futures

        queue = as_completed(submit(limit), with_results=True)
        try:
            for batch in queue.batches():
                for future, result in batch:
                    on_result(keys.pop(future.key), result)
                    future.release()
                if queue.count() <= limit // 2:
                    queue.update(submit(limit - queue.count()))
        except BaseException:
            client.cancel(list(queue.futures))
            raise
        finally:
            for future in remote:
                future.release()
        return n


def progress_bar(total: int, progress: Any, what: str) -> ProgressBar:
    """The sweep's bar over points."""
    return ProgressBar(total, what, progress=progress, unit="point")


__all__ = ["IN_FLIGHT_DASK", "IN_FLIGHT_PER_WORKER", "Runner", "is_dask_client", "progress_bar"]
