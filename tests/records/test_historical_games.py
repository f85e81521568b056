"""Every professional record in Debian's goban-original-games replays as sgfmill replays it."""

from __future__ import annotations

from pathlib import Path

import pytest
from sgfmill import sgf as sgfmill_sgf
from sgfmill import sgf_moves

from app import sgf
from app.go import Color, IllegalMoveError, OccupiedError

RECORDS = sorted(Path("/usr/share/goban").glob("*"))


def sgfmill_final_position(data: bytes) -> dict[tuple[int, int], str]:
    board, plays = sgf_moves.get_setup_and_moves(sgfmill_sgf.Sgf_game.from_bytes(data))
    for colour, point in plays:
        if point is not None:
            board.play(point[0], point[1], colour)
    return {rc: colour for colour, rc in board.list_occupied_points()}


def test_the_collection_is_installed() -> None:
    assert len(RECORDS) >= 590, "apt-get install goban-original-games (make test does it as root)"


def test_every_record_replays_to_sgfmills_position_or_is_rejected_with_a_reason() -> None:
    replayed, rejected, unreadable = [], [], []
    for path in RECORDS:
        data = path.read_bytes()
        try:
            record = sgf.loads(data)
        except ValueError:
            unreadable.append(path.name)
            continue
        try:
            game = record.replay()
        except IllegalMoveError as error:
            rejected.append((path.name, error))
            continue
        size = record.size
        ours = {
            (size - 1 - p.y, p.x): ("b" if color is Color.BLACK else "w")
            for color in Color
            for p in game.board.stones(color)
        }
        assert ours == sgfmill_final_position(data), path.name
        replayed.append(path.name)
    # Known flaws of the collection: a few records put a stone on an occupied point, and two
    # have a malformed move that sgfmill itself cannot read.
    assert all(isinstance(error, OccupiedError) for _, error in rejected), rejected
    assert len(replayed) >= 585
    assert len(rejected) + len(unreadable) <= 10
    print(f"replayed {len(replayed)}, rejected {len(rejected)}, unreadable {len(unreadable)}")


@pytest.mark.parametrize("name", ["M-77-2.mgt", "T-22-4.mgt"])
def test_an_occupied_point_in_a_record_is_reported_not_crashed_on(name: str) -> None:
    record = sgf.loads((Path("/usr/share/goban") / name).read_bytes())
    with pytest.raises(OccupiedError) as raised:
        record.replay()
    assert raised.value.reason == "occupied"
