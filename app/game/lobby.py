"""Before play: a game waits for its second player (or the AI), then both choose colours."""

from __future__ import annotations

import time
from typing import Iterable, Optional

from app import choices, dialect, events, go
from app import clock as clocks
from app.dialect import Extension
from app.events import Delivery
from app.go import Color

from .decision import Coin, Decision, Rejected, changed, fair_coin, start_clock
from .ending import quit_game
from .state import BOT, PUBLIC, ColorPref, GameState, Phase


def new_game(
    game_id: str,
    creator: str,
    board_size: int = 19,
    visibility: str = PUBLIC,
    invite: Optional[str] = None,
    rules: str = "chinese",
    komi: Optional[float] = None,
    handicap: int = 0,
    now: Optional[float] = None,
    time_control: Optional[clocks.TimeControl] = None,
    speaks: Iterable[Extension] = frozenset(Extension),
    public_url: Optional[str] = None,
) -> GameState:
    """A game waiting for its second player, created by a client that speaks ``speaks``.
    Raises ``go.InvalidSetupError`` (or ``clock.InvalidTimeControl``) for bad settings."""
    if rules not in choices.RULE_PRESETS:
        raise go.InvalidSetupError(f"unknown rule preset {rules!r}; choose one of {', '.join(choices.RULE_PRESETS)}")
    speaks = frozenset(speaks)
    rule_set = go.preset(rules)
    if komi is None and Extension.REJECTIONS not in speaks:
        komi = go.ORIGINAL.komi  # an original creator plays the original's rules and komi
    if komi is not None:
        rule_set = rule_set.with_komi(komi)
    go.Game(board_size, rule_set, handicap)  # validates size, handicap and komi
    stamp = time.time() if now is None else now
    state = GameState(
        game_id=game_id,
        board_size=board_size,
        creator=creator,
        visibility=visibility,
        rules=rule_set.name,
        komi=rule_set.komi,
        handicap=handicap,
        invite=invite,
        players=[creator],
        time_control=(time_control or clocks.TimeControl.none()).to_json(),
        speaks={creator: dialect.names(speaks)},
        public_url=public_url,
        created_at=stamp,
        updated_at=stamp,
    )
    _fit_rules_to_players(state)
    return state


def _fit_rules_to_players(state: GameState) -> None:
    """A game with a seated client that cannot hear a refusal is played under the ``original``
    rules (every move on an empty point stands), keeping its komi: otherwise that client, which
    lets its player insist on a ko retake or a suicide, would wait forever for its move."""
    if state.rules == go.ORIGINAL.name:
        return
    if any(not state.speaks_extension(p, Extension.REJECTIONS) for p in state.human_players()):
        state.rules = go.ORIGINAL.name



def waiting_event(state: GameState, link: Optional[str]) -> Delivery:
    return Delivery(events.wait_for_opponent(state.game_id, state.visibility, link, state.version),
                    clients=(state.creator,))


def join(state: GameState, client_id: str, speaks: Iterable[Extension] = frozenset(Extension),
         now: Optional[float] = None) -> Decision:
    """The second player arrives: both get GameReady, and choose colours (the creator may have
    already: its choice was kept)."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    if client_id in state.players:
        raise Rejected("same_client")
    new = changed(state, now)
    new.players.append(client_id)
    new.speaks[client_id] = dialect.names(speaks)
    _fit_rules_to_players(new)
    new.phase = Phase.COLORS
    return Decision(new, [ready_event(new, new.human_players())])


def come_back(state: GameState, client_id: str, speaks: Iterable[Extension] = frozenset(Extension)) -> Decision:
    """A player opens its game's invitation link again (a reload: the link is still in the
    address bar). Before the first move it is simply back: GameReady again, then its colour.
    A client that keeps its games (``resume``) always is. An original client cannot resume a
    game under way (it starts from an empty board and its sync follows one move at most), so it
    leaves it, as it would by starting a new game, and is told the link is used up."""
    if client_id not in state.players:
        raise Rejected("not_a_player")
    if state.phase is Phase.OVER:
        raise Rejected("game_over")
    if state.phase is Phase.COLORS or not state.moves or Extension.RESUME in frozenset(speaks):
        return Decision(None, [ready_event(state, (client_id,))])
    left = quit_game(state, client_id)
    rejected = Delivery(events.private_game_rejected(state.invite), clients=(client_id,))
    return Decision(left.state, [rejected, *left.deliveries])


def ready_event(state: GameState, clients: tuple[str, ...]) -> Delivery:
    return Delivery(events.game_ready(state.game_id, state.board_size, state.version), clients=clients)


def attach_bot(state: GameState, bot_color: Color, strength: choices.Strength,
               now: Optional[float] = None) -> Decision:
    """Seat the AI opponent against the creator; play starts at once."""
    if state.phase is not Phase.WAITING:
        raise Rejected("game_started")
    new = changed(state, now)
    start_clock(new, new.updated_at)
    new.players.append(BOT)
    new.bot_strength = int(strength)
    if bot_color is Color.WHITE:
        new.black, new.white = state.creator, BOT
    else:
        new.black, new.white = BOT, state.creator
    new.phase = Phase.PLAYING
    deliveries = [
        Delivery(events.bot_attached(new.game_id, bot_color, new.board_size, new.version), clients=(state.creator,)),
        your_color(new, state.creator, bot_color.opponent),
    ]
    return Decision(new, deliveries)


def your_color(state: GameState, client_id: str, color: Color) -> Delivery:
    return Delivery(events.your_color(state.game_id, color, state.version), clients=(client_id,))


def choose_color(state: GameState, client_id: str, pref: ColorPref, coin: Coin = fair_coin,
                 now: Optional[float] = None) -> Decision:
    """Record a preference; when both players have one, seat them and tell each their colour.

    A preference may come before the opponent arrives (the original client sends its choice
    once, right after creating or seeking a game): it is kept until the game is ready.
    Compatible preferences are honoured; equal ones, or both ``Any``, are settled by the coin.
    """
    if client_id not in state.players:
        raise Rejected("not_a_player")
    seat = state.seat_of(client_id)
    if seat is not None:
        # Asked again by a seated player (a page that came back to its game): its colour again.
        return Decision(None, [your_color(state, client_id, seat)])
    if state.phase not in (Phase.WAITING, Phase.COLORS):
        raise Rejected("colors_already_chosen")
    new = changed(state, now)
    new.color_prefs[client_id] = pref.value
    if new.phase is Phase.WAITING or len(new.color_prefs) < 2:
        return Decision(new)
    return Decision(new, _seat_by_preference(new, coin))


def colours_by_coin(state: GameState, coin: Coin = fair_coin, now: Optional[float] = None) -> Decision:
    """Players who did not choose a colour in time are taken to want ``Any``: the game starts
    (a public opponent who never chooses must not hold the other in the lobby for a day)."""
    if state.phase is not Phase.COLORS:
        raise Rejected("colors_already_chosen")
    new = changed(state, now)
    for player in new.players:
        new.color_prefs.setdefault(player, ColorPref.ANY.value)
    return Decision(new, _seat_by_preference(new, coin))


def _seat_by_preference(new: GameState, coin: Coin) -> list[Delivery]:
    """Seat both players by their preferences, start play, and tell each their colour."""
    first, second = new.players[0], new.players[1]
    a, b = ColorPref(new.color_prefs[first]), ColorPref(new.color_prefs[second])
    if a is ColorPref.BLACK and b is not ColorPref.BLACK or a is ColorPref.ANY and b is ColorPref.WHITE:
        first_is_black = True
    elif a is ColorPref.WHITE and b is not ColorPref.WHITE or a is ColorPref.ANY and b is ColorPref.BLACK:
        first_is_black = False
    else:
        first_is_black = coin()
    new.black, new.white = (first, second) if first_is_black else (second, first)
    new.phase = Phase.PLAYING
    start_clock(new, new.updated_at)
    return [your_color(new, client, color)
            for client, color in ((new.black, Color.BLACK), (new.white, Color.WHITE)) if client is not None]


