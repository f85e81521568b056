"""Whole games played in Chromium through the page, the real web process, a real worker and Redis.

Coordinates are those of tests/web/test_gateway_flows.py: 0-based, y = 0 the top row.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

BOT_TIMEOUT_MS = 30_000


def game(page: Any) -> Any:
    return page.locator("#game")


def turn_of(page: Any) -> int:
    return int(game(page).get_attribute("data-turn") or 0)


def stones(page: Any, color: str | None = None) -> Any:
    selector = '[data-testid="stone"]' + (f'[data-color="{color}"]' if color else "")
    return page.locator(selector)


def stone_at(page: Any, x: int, y: int) -> Any:
    return page.locator(f'[data-testid="stone"][data-x="{x}"][data-y="{y}"]')


def position(page: Any) -> set[tuple[str, int, int]]:
    cells = page.eval_on_selector_all(
        '[data-testid="stone"]', "(all) => all.map((s) => [s.dataset.color, +s.dataset.x, +s.dataset.y])")
    return {tuple(cell) for cell in cells}


def online(page: Any) -> None:
    expect(page.get_by_test_id("connection-state")).to_have_attribute("data-state", "online")


def move(mover: Any, watchers: list[Any], x: int | None, y: int | None = None) -> None:
    """``mover`` plays at (x, y) (a pass when x is None); everybody sees the new turn."""
    turn = turn_of(mover)
    if x is None:
        mover.get_by_test_id("pass").click()
    else:
        mover.get_by_test_id(f"point-{x}-{y}").click()
    for page in (mover, *watchers):
        expect(game(page)).to_have_attribute("data-turn", str(turn + 1))


def quick_match(page: Any, color: str) -> None:
    online(page)
    page.get_by_test_id(f"color-pref-{color}").check()
    page.get_by_test_id("quick-size-9").check()
    page.get_by_test_id("quick-match").click()


def test_quick_match_capture_ko_reload_scoring_and_sgf(open_page, screenshots) -> None:
    black = open_page("black")
    expect(black.get_by_test_id("lobby")).to_be_visible()
    online(black)
    black.get_by_test_id("name-input").fill("Alice")
    black.get_by_test_id("color-pref-black").check()
    black.get_by_test_id("quick-size-9").check()
    black.screenshot(path=str(screenshots / "lobby.png"), full_page=True)
    quick_match(black, "black")
    expect(black.get_by_test_id("waiting")).to_be_visible()
    expect(black.get_by_test_id("waiting-title")).to_contain_text("Looking for an opponent")

    white = open_page("white")
    quick_match(white, "white")
    for page, color in ((black, "BLACK"), (white, "WHITE")):
        expect(game(page)).to_be_visible()
        expect(game(page)).to_have_attribute("data-your-color", color)
        expect(page.get_by_test_id("board")).to_have_attribute("data-size", "9")
    expect(black.get_by_test_id("status")).to_contain_text("Your turn")
    expect(black.get_by_test_id("name-BLACK")).to_have_text("Alice (you)")
    expect(white.get_by_test_id("status")).to_contain_text("Waiting for Black")

    # Out of turn is refused on the spot.
    white.get_by_test_id("point-4-4").click()
    expect(white.get_by_test_id("message")).to_contain_text("not your turn")

    # A corner capture.
    move(black, [white], 1, 0)
    expect(stone_at(white, 1, 0)).to_have_attribute("data-color", "BLACK")
    expect(white.get_by_test_id("last-move")).to_have_attribute("data-x", "1")
    move(white, [black], 0, 0)
    move(black, [white], 0, 1)
    for page in (black, white):
        expect(stone_at(page, 0, 0)).to_have_count(0)
        expect(page.get_by_test_id("captures-BLACK")).to_have_text("1")

    # A ko: White's retake at (5, 1) is refused, and the page says why.
    for mover, other, x, y in [(white, black, 6, 0), (black, white, 5, 0), (white, black, 7, 1),
                               (black, white, 4, 1), (white, black, 6, 2), (black, white, 5, 2),
                               (white, black, 5, 1), (black, white, 6, 1)]:
        move(mover, [other], x, y)
    expect(stone_at(white, 5, 1)).to_have_count(0)
    white.get_by_test_id("point-5-1").click()
    expect(white.get_by_test_id("message")).to_contain_text("Ko")
    expect(white.get_by_test_id("message")).to_be_visible()
    expect(stone_at(white, 5, 1)).to_have_count(0)

    # White reloads mid-game: same board, same seat, and play goes on.
    before = position(black)
    white.reload()
    expect(game(white)).to_be_visible()
    expect(game(white)).to_have_attribute("data-your-color", "WHITE")
    expect(stones(white)).to_have_count(len(before))
    assert position(white) == before
    expect(white.get_by_test_id("last-move")).to_have_attribute("data-x", "6")
    expect(white.get_by_test_id("captures-BLACK")).to_have_text("2")
    expect(white.get_by_test_id("status")).to_contain_text("Your turn")
    move(white, [black], 0, 7)
    move(black, [white], 3, 3)
    move(white, [black], 1, 8)
    # A suicide in the corner White closed.
    black.get_by_test_id("point-0-8").click()
    expect(black.get_by_test_id("message")).to_contain_text("Suicide")
    move(black, [white], 4, 4)
    # The middle game: walls down the board, Black on the left, White on the right.
    wall = [(5, 3), (4, 3), (5, 4), (4, 5), (5, 5), (4, 6), (5, 6), (4, 7), (5, 7), (4, 8), (5, 8)]
    for i, (x, y) in enumerate(wall):
        mover, other = (white, black) if i % 2 == 0 else (black, white)
        move(mover, [other], x, y)
        if (x, y) == (4, 6):
            black.screenshot(path=str(screenshots / "game.png"))
    move(black, [white], 2, 7)

    # Two passes, then counting.
    move(white, [black], None)
    expect(black.get_by_test_id("status")).to_contain_text("White passed")
    move(black, [white], None)
    for page in (black, white):
        expect(page.get_by_test_id("scoring")).to_be_visible()
        expect(page.get_by_test_id("score")).to_contain_text("Black")
    expect(black.get_by_test_id("territory").first).to_be_attached()

    # The server suggested the dead stones with the count; a click on a group flips it on both
    # pages, and a second click brings it back.
    was = stone_at(white, 1, 8).get_attribute("data-dead")
    dead_marks = black.get_by_test_id("dead-mark").all()
    flipped = "false" if was == "true" else "true"
    black.get_by_test_id("point-1-8").click()
    expect(stone_at(white, 1, 8)).to_have_attribute("data-dead", flipped)
    expect(stone_at(black, 1, 8)).to_have_attribute("data-dead", flipped)
    expect(black.get_by_test_id("dead-mark")).to_have_count(len(dead_marks) + (1 if flipped == "true" else -1))
    black.get_by_test_id("point-1-8").click()
    expect(stone_at(white, 1, 8)).to_have_attribute("data-dead", was)
    expect(stone_at(black, 1, 8)).to_have_attribute("data-dead", was)
    black.screenshot(path=str(screenshots / "scoring.png"))

    black.get_by_test_id("accept-score").click()
    expect(white.get_by_test_id("accepted-BLACK")).to_be_visible()
    white.get_by_test_id("accept-score").click()
    for page in (black, white):
        expect(page.get_by_test_id("result")).to_be_visible()
        expect(page.get_by_test_id("result-text")).to_contain_text(re.compile(r"(Black|White) wins by [\d.]+ points?"))
        expect(page.get_by_test_id("final-score")).to_contain_text("komi")
    headline = black.get_by_test_id("result-headline").inner_text()
    assert headline in ("You win!", "You lose")

    with black.expect_download() as download:
        black.get_by_test_id("sgf-link").click()
    record = Path(download.value.path()).read_text(encoding="utf-8")
    assert record.startswith("(;") and "SZ[9]" in record and "RE[" in record, record
    assert ";B[ba]" in record  # Black's first move, at B9


def test_private_game_by_link_with_clock_spectator_and_reconnection(open_page) -> None:
    creator = open_page("creator")
    online(creator)
    creator.get_by_test_id("friend-size-9").check()
    creator.get_by_test_id("friend-tc-kind").select_option("byoyomi")
    creator.get_by_test_id("friend-tc-main").fill("1")
    creator.get_by_test_id("friend-tc-periods").fill("3")
    creator.get_by_test_id("friend-tc-period").fill("20")
    creator.get_by_test_id("create-private").click()
    link = creator.get_by_test_id("invite-link")
    expect(link).to_have_value(re.compile(r"/\?join=[A-Za-z0-9_-]{22}$"))
    creator.get_by_test_id("copy-invite").click()
    expect(creator.get_by_test_id("toast")).to_contain_text("copied")
    url = link.input_value()
    assert url.startswith(creator.evaluate("location.origin"))

    friend = open_page("friend", url)
    for page in (creator, friend):
        expect(game(page)).to_be_visible()
        expect(game(page)).to_have_attribute("data-your-color", re.compile("BLACK|WHITE"))
    assert "join=" not in friend.url  # a reload must not try the used link again
    black, white = (creator, friend) if game(creator).get_attribute("data-your-color") == "BLACK" else (friend, creator)
    expect(black.get_by_test_id("clock-WHITE")).to_have_text("1:00 +3×20s")
    expect(black.get_by_test_id("clock-BLACK")).to_have_text(re.compile(r"^0:5\d \+3×20s$"))
    move(black, [white], 4, 4)
    expect(white.get_by_test_id("clock-WHITE")).to_have_class(re.compile(r"\brunning\b"))

    # A spectator follows by link, read-only.
    game_id = game(black).get_attribute("data-game-id")
    expect(black.get_by_test_id("spectator-link")).to_have_value(re.compile(rf"/\?watch={game_id}$"))
    spectator = open_page("spectator", f"/?watch={game_id}")
    expect(game(spectator)).to_have_attribute("data-role", "spectator")
    expect(stones(spectator)).to_have_count(1)
    expect(spectator.get_by_test_id("controls")).to_be_hidden()
    move(white, [black, spectator], 2, 2)
    expect(stones(spectator)).to_have_count(2)

    # The connection drops: a banner says so, and the page reconnects by itself.
    black.evaluate("window.bugout.conn.drop()")
    expect(black.get_by_test_id("connection-banner")).to_be_visible()
    expect(black.get_by_test_id("connection-banner")).to_be_hidden()
    online(black)
    move(black, [white, spectator], 6, 6)

    # Undo between humans: White asks, Black allows.
    move(white, [black, spectator], 2, 6)
    white.get_by_test_id("undo").click()
    expect(black.get_by_test_id("undo-prompt")).to_be_visible()
    black.get_by_test_id("undo-accept").click()
    for page in (black, white, spectator):
        expect(game(page)).to_have_attribute("data-turn", "3")
        expect(stone_at(page, 2, 6)).to_have_count(0)

    white.get_by_test_id("resign").click()
    expect(white.get_by_test_id("confirm")).to_be_visible()
    white.get_by_test_id("confirm-yes").click()
    for page in (black, white, spectator):
        expect(page.get_by_test_id("result-text")).to_have_text("Black wins by resignation.")
    expect(black.get_by_test_id("result-headline")).to_have_text("You win!")
    expect(white.get_by_test_id("result-headline")).to_have_text("You lose")


def test_against_the_ai_with_undo_and_the_keyboard(open_page) -> None:
    page = open_page("ai")
    online(page)
    page.get_by_test_id("ai-level-3").check()
    page.get_by_test_id("ai-you-black").check()
    page.get_by_test_id("ai-size-9").check()
    page.get_by_test_id("play-ai").click()
    expect(game(page)).to_have_attribute("data-your-color", "BLACK")
    expect(page.get_by_test_id("name-WHITE")).to_have_text("GNU Go ★★★")
    expect(page.get_by_test_id("status")).to_contain_text("Your turn")

    page.get_by_test_id("point-2-2").click()
    expect(stones(page, "WHITE")).to_have_count(1, timeout=BOT_TIMEOUT_MS)  # the bot's reply
    expect(stones(page)).to_have_count(2)
    expect(page.get_by_test_id("status")).to_contain_text("Your turn")
    page.get_by_test_id("undo").click()
    expect(stones(page)).to_have_count(0)
    expect(game(page)).to_have_attribute("data-turn", "0")

    # The keyboard: focus the board, move the cursor (it starts where the last click was), Enter plays.
    board = page.get_by_test_id("board")
    board.focus()
    board.press("ArrowRight")
    board.press("ArrowDown")
    expect(page.get_by_test_id("board-cursor")).to_be_attached()
    board.press("Enter")
    expect(stone_at(page, 3, 3)).to_have_attribute("data-color", "BLACK")
    expect(stones(page, "WHITE")).to_have_count(1, timeout=BOT_TIMEOUT_MS)

    # The whole state, read again, names the same strength (it once showed three stars as one).
    page.reload()
    expect(stones(page)).to_have_count(2)
    expect(page.get_by_test_id("name-WHITE")).to_have_text("GNU Go ★★★")


def test_a_phone_plays_by_touch_without_sideways_scrolling(open_page, tmp_path) -> None:
    phone = open_page("phone", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True,
                      device_scale_factor=2)
    online(phone)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_test_id("ai-size-9").check()
    phone.get_by_test_id("play-ai").tap()
    expect(game(phone)).to_have_attribute("data-your-color", "BLACK")
    box = phone.get_by_test_id("board").bounding_box()
    assert box and box["width"] >= 340 and box["x"] >= 0 and box["x"] + box["width"] <= 390
    phone.get_by_test_id("point-4-4").tap()
    expect(stone_at(phone, 4, 4)).to_have_attribute("data-color", "BLACK")
    expect(stones(phone, "WHITE")).to_have_count(1, timeout=BOT_TIMEOUT_MS)
    phone.screenshot(path=str(tmp_path / "phone.png"))
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_test_id("quit").tap()
    phone.get_by_test_id("confirm-yes").tap()
    expect(phone.get_by_test_id("result-text")).to_contain_text("White wins")
    phone.get_by_test_id("new-game").tap()
    expect(phone.get_by_test_id("lobby")).to_be_visible()
