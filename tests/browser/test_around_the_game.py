"""Around the game, in Chromium through the real stack: chat (and muting it), the live games
list and watching from it, the alert when it becomes your move in a background tab, review of
the finished game (buttons, keys, slider), and a rematch with the colours swapped."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import expect

from .test_play import game, move, online, quick_match, stones


def hide(page: Any) -> None:
    """The tab goes to the background (as far as the page can tell)."""
    page.evaluate("""() => {
      Object.defineProperty(document, "visibilityState", { get: () => "hidden", configurable: true });
      document.dispatchEvent(new Event("visibilitychange"));
    }""")


def open_live_game(page: Any, game_id: str) -> None:
    """The lobby lists the game once a reading has it (a web process rereads at most every 3 s)."""
    entry = page.locator(f'[data-testid="live-game"][href$="{game_id}"]')
    for _ in range(30):
        if entry.count():
            break
        page.wait_for_timeout(1000)
        page.evaluate("window.bugout.pollLive(true)")
    expect(entry).to_be_visible()
    expect(entry).to_contain_text("9×9")
    expect(entry).to_contain_text("move 1")
    entry.click()


def test_chat_live_list_alerts_review_and_rematch(open_page, screenshots) -> None:
    black = open_page("black", permissions=["notifications"])
    online(black)
    black.get_by_test_id("settings").locator("summary").click()
    black.get_by_test_id("setting-sound").check()
    black.get_by_test_id("setting-notify").check()
    black.get_by_test_id("settings").locator("summary").click()
    quick_match(black, "black")
    white = open_page("white")
    quick_match(white, "white")
    for page in (black, white):
        expect(game(page)).to_be_visible()
        expect(page.get_by_test_id("chat")).to_be_visible()
    game_id = game(black).get_attribute("data-game-id")
    move(black, [white], 2, 2)

    # Chat between the players; markup stays text.
    black.get_by_test_id("chat-input").fill("good luck <b>have fun</b>")
    black.get_by_test_id("chat-send").click()
    for page in (black, white):
        expect(page.get_by_test_id("chat-line").last).to_contain_text("good luck <b>have fun</b>")
    expect(white.get_by_test_id("chat-line").last).to_contain_text("Black:")
    white.get_by_test_id("chat-input").fill("thanks")
    white.get_by_test_id("chat-input").press("Enter")
    expect(black.get_by_test_id("chat-line")).to_have_count(2)

    # A visitor finds the game in the lobby's live list and watches it; spectators talk apart.
    spectator = open_page("spectator")
    online(spectator)
    open_live_game(spectator, game_id)
    expect(game(spectator)).to_have_attribute("data-role", "spectator")
    expect(spectator.get_by_test_id("chat-line")).to_have_count(2)
    spectator.get_by_test_id("chat-input").fill("nice opening")
    spectator.get_by_test_id("chat-send").click()
    expect(spectator.get_by_test_id("chat-line").last).to_contain_text(re.compile(r"Spectator [0-9a-f]{4}: nice opening"))

    # Black's tab goes to the background: White's move brings a tone and a notification.
    hide(black)
    move(white, [black, spectator], 6, 6)
    black.wait_for_function("window.bugout.alerts.includes('notification') && window.bugout.alerts.includes('sound')")
    assert white.evaluate("window.bugout.alerts.length") == 0  # off by default

    # White mutes Black's chat: Black's next line reaches the others, not White's page.
    white.get_by_test_id("settings").locator("summary").click()
    white.get_by_test_id("setting-mute").check()
    white.get_by_test_id("settings").locator("summary").click()
    expect(white.get_by_test_id("chat-line")).to_have_count(1)
    black.get_by_test_id("chat-input").fill("capture coming")
    black.get_by_test_id("chat-send").click()
    expect(spectator.get_by_test_id("chat-line").last).to_contain_text("capture coming")
    expect(white.get_by_test_id("chat-line")).to_have_count(1)
    black.screenshot(path=str(screenshots / "chat.png"))

    # A capture, then White resigns.
    for mover, other, x, y in [(black, white, 1, 0), (white, black, 0, 0), (black, white, 0, 1)]:
        move(mover, [other, spectator], x, y)
    expect(black.get_by_test_id("captures-BLACK")).to_have_text("1")
    white.get_by_test_id("resign").click()
    white.get_by_test_id("confirm-yes").click()
    for page in (black, white, spectator):
        expect(page.get_by_test_id("result-text")).to_have_text("Black wins by resignation.")
        expect(page.get_by_test_id("review")).to_be_visible()
    # After the game the players may read the spectators' line too.
    expect(black.get_by_test_id("chat-lines")).to_contain_text("nice opening")

    # Review: buttons, keys and the slider, with the captures of each position.
    black.get_by_test_id("review-first").click()
    expect(stones(black)).to_have_count(0)
    expect(black.get_by_test_id("review-at")).to_contain_text("Start")
    black.get_by_test_id("review-next").click()
    expect(stones(black)).to_have_count(1)
    black.keyboard.press("End")
    expect(black.get_by_test_id("review-at")).to_contain_text("Move 5 / 5")
    expect(black.get_by_test_id("captures-BLACK")).to_have_text("1")
    black.keyboard.press("ArrowLeft")
    expect(black.get_by_test_id("review-at")).to_contain_text("Move 4 / 5 · White A9")
    expect(black.get_by_test_id("captures-BLACK")).to_have_text("0")
    expect(stones(black)).to_have_count(4)
    black.get_by_test_id("review-slider").fill("2")
    expect(stones(black)).to_have_count(2)
    expect(game(black)).to_have_attribute("data-review-at", "2")
    black.screenshot(path=str(screenshots / "review.png"))
    # A late spectator reviews the same moves from the whole state.
    late = open_page("late", f"/?watch={game_id}")
    expect(late.get_by_test_id("review")).to_be_visible()
    late.get_by_test_id("review-slider").fill("3")
    expect(stones(late)).to_have_count(3)

    # Rematch: Black offers, White accepts, colours swap; the SGF keeps the chat.
    with black.expect_download() as download:
        black.get_by_test_id("sgf-link").click()
    record = Path(download.value.path()).read_text(encoding="utf-8")
    assert "Black: good luck <b>have fun</b>" in record and "White: thanks" in record, record
    expect(spectator.get_by_test_id("rematch-box")).to_be_hidden()
    black.get_by_test_id("rematch").click()
    expect(black.get_by_test_id("rematch-text")).to_contain_text("Waiting for your opponent")
    expect(white.get_by_test_id("rematch-text")).to_contain_text("offers a rematch")
    white.screenshot(path=str(screenshots / "rematch.png"))
    white.get_by_test_id("rematch-accept").click()
    expect(game(white)).to_have_attribute("data-your-color", "BLACK")
    expect(game(black)).to_have_attribute("data-your-color", "WHITE")
    for page in (black, white):
        expect(game(page)).to_have_attribute("data-phase", "playing")
        expect(stones(page)).to_have_count(0)
    new_id = game(white).get_attribute("data-game-id")
    assert new_id != game_id
    move(white, [black], 4, 4)
    black.reload()  # the page keeps the rematch as its game
    expect(game(black)).to_have_attribute("data-game-id", new_id)
    expect(stones(black)).to_have_count(1)


def test_a_rematch_against_the_ai_and_the_lobby_on_a_phone(open_page, screenshots) -> None:
    phone = open_page("phone", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    online(phone)
    expect(phone.get_by_test_id("live")).to_be_visible()
    phone.get_by_test_id("ai-size-9").check()
    phone.get_by_test_id("play-ai").tap()
    expect(game(phone)).to_have_attribute("data-your-color", "BLACK")
    phone.get_by_test_id("point-4-4").tap()
    expect(stones(phone, "WHITE")).to_have_count(1, timeout=30_000)
    phone.get_by_test_id("resign").tap()
    phone.get_by_test_id("confirm-yes").tap()
    expect(phone.get_by_test_id("review")).to_be_visible()
    phone.get_by_test_id("review-prev").tap()
    expect(stones(phone)).to_have_count(1)
    phone.screenshot(path=str(screenshots / "review-phone.png"), full_page=True)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    phone.get_by_test_id("rematch").tap()
    expect(game(phone)).to_have_attribute("data-your-color", "WHITE")
    expect(stones(phone, "BLACK")).to_have_count(1, timeout=30_000)  # the AI, now Black, opens
    expect(phone.get_by_test_id("name-BLACK")).to_contain_text("GNU Go")
