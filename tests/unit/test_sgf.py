"""SGF read and write through sgfmill."""

from __future__ import annotations

from sgfmill import sgf as sgfmill_sgf

from app import sgf
from app.go import CHINESE, JAPANESE, Color, Game, Move, Point

B, W = Color.BLACK, Color.WHITE


def test_a_game_round_trips() -> None:
    game = Game(9, JAPANESE.with_komi(0.5), handicap=2)
    for move in [Move.play(W, 2, 2), Move.play(B, 6, 6), Move.pass_(W), Move.play(B, 0, 0)]:
        game.play(move)
    game.resign(W)
    data = sgf.dumps(sgf.record_of(game, black_name="Ada", white_name="Bob"))
    record = sgf.loads(data)
    assert (record.size, record.komi, record.rules, record.handicap) == (9, 0.5, "japanese", 2)
    assert (record.black_name, record.white_name, record.result) == ("Ada", "Bob", "B+R")
    assert set(record.setup_black) == set(game.handicap_stones)
    assert record.moves == tuple(game.moves)
    assert record.replay().board == game.board


def test_the_written_file_is_standard_sgf() -> None:
    game = Game(19, CHINESE)
    game.play(Move.play(B, 3, 15))  # D4 in GTP terms, "dp" in SGF
    game.play(Move.pass_(W))
    text = sgf.dumps(sgf.record_of(game)).decode()
    assert "SZ[19]" in text and "KM[7.5]" in text and "RU[Chinese]" in text and "FF[4]" in text
    assert ";B[dp]" in text and (";W[]" in text or ";W[tt]" in text)
    parsed = sgfmill_sgf.Sgf_game.from_bytes(text.encode())
    assert parsed.get_size() == 19


def test_reading_puts_back_omitted_passes() -> None:
    data = b"(;GM[1]FF[4]SZ[9]KM[6.5];B[ee];B[cc];W[gg])"
    record = sgf.loads(data)
    game = record.replay()
    assert [m.color for m in game.moves] == [B, W, B, W]
    assert game.moves[1] == Move.pass_(W)
    assert game.board[Point(2, 2)] is B
