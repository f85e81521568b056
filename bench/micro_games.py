"""bench/micro.py's games that end: against the AI (how long its replies take under the quota),
and a professional game played to a counted end (what the dead-stone suggestion costs)."""

from __future__ import annotations

import asyncio
import glob
import itertools
import random
import re
import time
import uuid
from pathlib import Path
from typing import Any, Iterator, Optional

from bench.micro_run import RunBase, open_page_client
from bench.micro_stack import NAN, cpu_text, fmt, snap
from tests.support.stats import percentile as pct
from tests.support.wsclient import AsyncClient

RECORDS = "/usr/share/goban/*"


class Games(RunBase):
    async def bots(self) -> None:
        args = self.args
        samples: list[tuple[int, float, bool]] = []  # (size, seconds, engine was booting)
        end = time.perf_counter() + args.bot_s
        sizes = [19 if i % 2 == 0 else 9 for i in range(args.bot_games)]
        # On 19x19 the human plays the Black moves of professional games, in order, skipping
        # points already taken: middle-game positions, as in bench/bot.py, not random noise.
        self.bot_plans = [moves[0::2] for moves, _ in itertools.islice(fitting_records(), 1, 1 + 4 * len(sizes))]
        before = snap(self.stack)
        results = await asyncio.gather(*(self.bot_game(size, end, samples) for size in sizes), return_exceptions=True)
        after = snap(self.stack)
        for r in results:
            if isinstance(r, BaseException):
                self.note(f"a bot game failed: {r!r}"[:200])
        ordered = sorted(s for _, s, _ in samples)
        self.figures["bot_reply_p99_s"] = pct(ordered, 99)
        print(f"AI: {len(samples)} bot replies in {len(sizes)} concurrent games ({args.bot}, "
              f"think {args.bot_think[0]:g}-{args.bot_think[1]:g}s): p50 {fmt(pct(ordered, 50), 2)}s "
              f"p90 {fmt(pct(ordered, 90), 2)}s p99 {fmt(pct(ordered, 99), 2)}s max {fmt(ordered[-1] if ordered else NAN, 2)}s",
              flush=True)
        for size in sorted(set(sizes), reverse=True):
            these = sorted(s for z, s, _ in samples if z == size)
            booting = [s for z, s, b in samples if z == size and b]
            print(f"  {size}x{size}: n={len(these)} p50 {fmt(pct(these, 50), 2)}s p99 {fmt(pct(these, 99), 2)}s "
                  f"max {fmt(these[-1] if these else NAN, 2)}s" + (f"; with an engine boot: {', '.join(f'{b:.2f}s' for b in booting)}" if booting else ""))
        print(f"  {cpu_text(before, after, self.quota_pct)}", flush=True)
        if self.bot_errors:
            self.note(f"Error events in the AI games: {dict(self.bot_errors)}")

    async def bot_game(self, size: int, end: float, samples: list[tuple[int, float, bool]]) -> None:
        args = self.args
        while time.perf_counter() < end - 2.0:
            client = await open_page_client(self.url)
            try:
                attached = client.expect(lambda e: e.get("type") == "BotAttached")
                colour = client.expect(lambda e: e.get("type") == "YourColor")
                await client.send({"type": "AttachBot", "player": "WHITE", "boardSize": size, "bot": args.bot,
                                   "handicap": 0, "komi": 7.5, "timeControl": {"kind": "none"}})
                event, _ = await asyncio.wait_for(attached, 60)
                game_id = event["gameId"]
                await asyncio.wait_for(colour, 60)
                stones: dict[tuple[int, int], str] = {}
                plan = iter(self.bot_plans.pop(0)) if size == 19 and self.bot_plans else iter(())
                booting = [False]

                def watch_boot(e: dict[str, Any]) -> bool:
                    if e.get("type") == "IdleStatusProvided" and e.get("status") == "Booting":
                        booting[0] = True
                    return False

                client.waiters.append((watch_boot, asyncio.get_running_loop().create_future()))
                while time.perf_counter() < end:
                    played = False
                    for attempt in range(8):
                        x, y = next((p for p in plan if p not in stones), None) or self._human_point(size, stones)
                        req_id = uuid.uuid4().hex
                        bot_move = client.expect(lambda e: e.get("type") == "MoveMade" and e.get("gameId") == game_id
                                                 and e.get("player") == "WHITE")
                        over = client.expect(lambda e: e.get("type") in ("GameOver", "ScoringPhase")
                                             and e.get("gameId") == game_id)
                        reply = client.expect_reply(req_id)
                        booting[0] = False
                        sent = time.perf_counter()
                        await client.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": "BLACK",
                                           "coord": {"x": x, "y": y}})
                        event, _ = await asyncio.wait_for(reply, 30)
                        if event.get("type") == "MoveMade":
                            self._apply(stones, event)
                            played = True
                            break
                        bot_move.cancel()
                        over.cancel()
                    if not played:
                        break
                    done, _ = await asyncio.wait({bot_move, over}, timeout=args.bot_timeout_s,
                                                 return_when=asyncio.FIRST_COMPLETED)
                    if bot_move in done:
                        event, arrived = bot_move.result()
                        samples.append((size, arrived - sent, booting[0]))
                        self._apply(stones, event)
                        over.cancel()
                        if event.get("coord") is None:
                            break  # the bot passed: the game is decided, start another
                    else:
                        bot_move.cancel()
                        if over in done:
                            break  # resigned / scoring: another game
                        over.cancel()
                        self.note(f"the bot did not answer within {args.bot_timeout_s:.0f}s ({size}x{size})")
                        samples.append((size, args.bot_timeout_s, booting[0]))
                        break
                    await asyncio.sleep(random.uniform(*args.bot_think))
                try:
                    await client.send({"type": "QuitGame", "gameId": game_id})
                    await asyncio.sleep(0.2)
                except Exception:  # noqa: BLE001
                    pass
            finally:
                self.bot_errors.update(client.errors)
                await client.close()

    @staticmethod
    def _apply(stones: dict[tuple[int, int], str], event: dict[str, Any]) -> None:
        coord = event.get("coord")
        if coord is not None:
            stones[(coord["x"], coord["y"])] = event.get("player", "?")
        for c in event.get("captured") or []:
            stones.pop((c["x"], c["y"]), None)

    @staticmethod
    def _human_point(size: int, stones: dict[tuple[int, int], str]) -> tuple[int, int]:
        empty = [(x, y) for x in range(size) for y in range(size) if (x, y) not in stones]
        random.shuffle(empty)
        for x, y in empty:
            around = [(x + dx, y + dy) for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1))
                      if 0 <= x + dx < size and 0 <= y + dy < size]
            if any(stones.get(p) != "WHITE" for p in around):  # not into the bot's eye
                return x, y
        return empty[0] if empty else (0, 0)

    async def dead_stones(self) -> None:
        args = self.args
        moves, source = pick_record(args.record)
        game = await self.load.new_game()
        try:
            t0 = time.perf_counter()
            played = 0
            if moves is None:
                source = "150 random moves (no goban-original-games record)"
                stones: dict[tuple[int, int], str] = {}
                moves = []
                for i in range(150):
                    moves.append(self._human_point(19, stones))
                    stones[moves[-1]] = "BLACK" if i % 2 == 0 else "WHITE"
            for i, (x, y) in enumerate(moves):
                player = "BLACK" if i % 2 == 0 else "WHITE"
                event = await self._play(game.black if player == "BLACK" else game.white, game.game_id, player,
                                         {"x": x, "y": y})
                if event.get("type") != "MoveMade":
                    self.note(f"dead stones: move {i + 1} of the record rejected ({event.get('reason')}); "
                              "passing from there")
                    break
                played += 1
            replay_s = time.perf_counter() - t0
            print(f"dead stones: {source}: {played} moves replayed in {replay_s:.1f}s; both pass now", flush=True)
            to_move = "BLACK" if played % 2 == 0 else "WHITE"
            first, second = (game.black, game.white) if to_move == "BLACK" else (game.white, game.black)
            other = "WHITE" if to_move == "BLACK" else "BLACK"
            scoring = lambda e: e.get("type") == "ScoringPhase" and e.get("gameId") == game.game_id  # noqa: E731
            first_phase = game.black.expect(scoring)
            later_phase = game.black.expect(scoring)
            await self._play(first, game.game_id, to_move, None)
            await asyncio.sleep(1.0)  # the first pass's own work is done before the window opens
            before = snap(self.stack)
            sent = time.perf_counter()
            await self._play(second, game.game_id, other, None)
            event, arrived = await asyncio.wait_for(first_phase, 30)
            at_first = snap(self.stack)
            # Where the suggestion comes from depends on the stack: with the ScoringPhase that play
            # stopping brings (computed in the move task), or later from the engine on the bot
            # queue. Wait for a later one while the engine is still working.
            engine_event: Optional[dict[str, Any]] = None
            deadline = time.perf_counter() + args.dead_timeout_s
            quiet_since, last_bot = time.perf_counter(), self.stack.bot_cpu_s()
            while time.perf_counter() < deadline and not later_phase.done():
                await asyncio.sleep(0.25)
                bot = self.stack.bot_cpu_s()
                busy_queue = await asyncio.get_running_loop().run_in_executor(None, self._bot_queue_busy)
                if bot > last_bot or busy_queue:
                    quiet_since, last_bot = time.perf_counter(), bot
                elif time.perf_counter() - quiet_since > 3.0:
                    break  # nothing is working on another suggestion
            if later_phase.done() and not later_phase.cancelled():
                engine_event, arrived = later_phase.result()
                after = snap(self.stack)
            else:
                after = at_first
                if time.perf_counter() >= deadline:
                    self.note(f"the bot worker was still busy {args.dead_timeout_s:.0f}s after play stopped, with "
                              "no suggestion from it")
            wall = after.at - before.at
            cpu_s = (after.cpu.usage_ns - before.cpu.usage_ns - self.idle_ns_per_s * wall) / 1e9
            self.figures["dead_stones_cpu_s"] = cpu_s
            self.figures["dead_stones_wall_s"] = arrived - sent
            final = engine_event or event
            origin = ("a later ScoringPhase, from the engine on the bot queue" if engine_event is not None
                      else "the ScoringPhase that the second pass brings (computed in the move task)")
            print(f"dead stones: the suggestion ({len(final.get('dead') or [])} dead stones) came with {origin}, "
                  f"{arrived - sent:.3f}s after the second pass was sent; the cgroup's CPU from that pass to the "
                  f"suggestion, less the idle rate: {cpu_s:.3f}s (the pass's own handling included)"
                  + (f"; {cpu_text(before, after, self.quota_pct)}" if wall > 1.0 else ""), flush=True)
        finally:
            try:
                await game.black.send({"type": "QuitGame", "gameId": game.game_id})
                await asyncio.sleep(0.3)
            except Exception:  # noqa: BLE001
                pass
            await self.retire(game)

    async def _play(self, client: AsyncClient, game_id: str, player: str, coord: Optional[dict[str, int]]) -> dict[str, Any]:
        req_id = uuid.uuid4().hex
        reply = client.expect_reply(req_id)
        await client.send({"type": "MakeMove", "gameId": game_id, "reqId": req_id, "player": player, "coord": coord})
        event, _ = await asyncio.wait_for(reply, 30)
        return event


def fitting_records(wanted: Optional[str] = None) -> Iterator[tuple[list[tuple[int, int]], str]]:
    """The moves of 19x19 professional games with 200-300 moves, no handicap, no pass,
    alternating colours and a counted result (played out: a real end of game), in file order."""
    try:
        from app import sgf
        from app.go import Color, GoError
    except ImportError:
        return
    paths = [wanted] if wanted else sorted(glob.glob(RECORDS))
    for path in paths:
        try:
            record = sgf.loads(Path(path).read_bytes())
            record.replay()
        except (OSError, ValueError, GoError):
            continue
        ms = record.moves
        if (record.size != 19 or record.handicap or record.setup_black or record.setup_white or not ms
                or ms[0].color is not Color.BLACK or not 200 <= len(ms) <= 300
                or any(m.point is None for m in ms)
                or any(ms[i].color is ms[i - 1].color for i in range(1, len(ms)))
                or not re.match(r"^[BW]\+\d", record.result or "")):
            continue
        yield ([(m.point.x, m.point.y) for m in ms if m.point is not None],
               f"{Path(path).name} ({len(ms)} moves, {record.result})")


def pick_record(wanted: Optional[str]) -> tuple[Optional[list[tuple[int, int]]], str]:
    return next(fitting_records(wanted), (None, ""))
