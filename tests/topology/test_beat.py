"""Two beats on two work hosts (each ``moves --beat``): the schedule is sent once per period, by
whichever holds RedBeat's lock; when that host dies the other takes over, still once per period.

What is counted is what reaches the broker: every LPUSH of a ``bugout.housekeeping.sweep``
message, seen by a MONITOR on the data host's Redis. No assertion waits on a clock: the test waits
for N sends (bounded), then checks their spacing.
"""

from __future__ import annotations

import threading

import redis

from .net import wait_until
from .stack import REDIS_PORT

PERIOD_S = 2.0


class Sends:
    """The times at which the sweep was sent to the broker."""

    def __init__(self, address: str) -> None:
        self.times: list[float] = []
        self.senders: list[str] = []
        self._client = redis.Redis(host=address, port=REDIS_PORT)
        self._monitor = self._client.monitor()
        self._monitor.__enter__()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        try:
            for command in self._monitor.listen():
                text = command.get("command", "")
                if text.startswith("LPUSH") and "bugout.housekeeping.sweep" in text:
                    self.times.append(float(command["time"]))
                    self.senders.append(str(command.get("client_address", "")))
        except Exception:  # noqa: BLE001  (closed at the end)
            return

    def close(self) -> None:
        try:
            self._monitor.connection.disconnect()
        except Exception:  # noqa: BLE001
            pass
        self._client.close()


def gaps(times: list[float]) -> list[float]:
    return [round(b - a, 2) for a, b in zip(times, times[1:])]


def test_two_beats_on_two_hosts_send_the_schedule_once_per_period(topology) -> None:
    topology.start_redis()
    sends = Sends(topology.host("data").address)
    try:
        every = {"HOUSEKEEPING_EVERY_S": str(PERIOD_S)}
        one = topology.start_worker("work1", wait=False, **every)
        two = topology.start_worker("work2", wait=False, **every)
        topology.wait_beating(one)
        topology.wait_beating(two)
        wait_until(lambda: len(sends.times) >= 6, 60, "the sweep was not sent 6 times")
        before = list(sends.times)
        print("sends before the kill, gaps (s):", gaps(before))
        assert all(PERIOD_S * 0.5 <= gap <= PERIOD_S * 1.5 for gap in gaps(before)), gaps(before)

        # The host of the beat that holds the lock dies: the other takes over when it lapses.
        holder = next(h for h in (topology.host("work1"), topology.host("work2")) if h.address == sends.senders[-1])
        topology.net.kill_host(holder)
        killed_at = len(sends.times)
        wait_until(lambda: len(sends.times) >= killed_at + 4, 60, "the schedule stopped after a beat's host died")
        after = sends.times[killed_at - 1:]
        print(f"sends after {holder.name} was killed, gaps (s):", gaps(after))
        assert sends.senders[-1] != holder.address
        from app.celery_app import BEAT_LOCK_S

        assert all(gap >= PERIOD_S * 0.5 for gap in gaps(after)), gaps(after)  # never twice a period
        assert max(gaps(after)) <= BEAT_LOCK_S + 2 * PERIOD_S, gaps(after)  # taken over in time
        assert all(PERIOD_S * 0.5 <= gap <= PERIOD_S * 1.5 for gap in gaps(after)[1:]), gaps(after)
    finally:
        sends.close()
