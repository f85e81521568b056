"""The game aggregate: seats, settings, moves, phase and version of one game. Pure.

Every command is a function ``(state, ...) -> Decision``: the new state to save with the events
it causes. A command that cannot apply raises :class:`Rejected` and nothing changes. Tasks load
the state, call one command, save the decision atomically, then dispatch what follows
(:func:`what_follows`); nothing here touches Redis, Celery or Flask.

Each change of state increments ``version`` once, and every event it causes carries that version,
so a client can tell what it missed. Modules by phase: ``lobby`` (waiting, colours), ``play``,
``scoring``, ``ending`` (resignation, leaving, absence), ``undo``, ``rematch``; ``views`` reads;
``follow`` says what a saved change makes due; ``chat`` and ``live`` judge chat lines and the
live games list.
"""

from app.go import Color, Move, Point  # noqa: E402  (callers say game.Color, as before the split)

from .chat import ChatLine, say, sgf_comments, visible_to
from .decision import Coin, Decision, Rejected, fair_coin
from .ending import (
                    cancel_wait,
                    claim_win,
                    moves_by,
                    player_absent,
                    player_returned,
                    quit_game,
                    resign,
)
from .follow import (
                    EngineMove,
                    FlagWatch,
                    FollowUp,
                    bot_color,
                    flag_deadline,
                    what_follows,
)
from .live import entry as live_entry
from .live import is_listed, set_listed
from .lobby import (
                    attach_bot,
                    choose_color,
                    colours_by_coin,
                    come_back,
                    join,
                    new_game,
                    ready_event,
                    waiting_event,
                    your_color,
)
from .play import make_move, time_out
from .rematch import Rematch, accept_rematch, decline_rematch, offer_rematch, rematch_id, wants_acceptance
from .scoring import accept_score, count, scoring_event, toggle_dead
from .state import (
                    BOT,
                    PRIVATE,
                    PUBLIC,
                    ColorPref,
                    GameState,
                    Phase,
                    decode_move,
                    encode_move,
)
from .undo import answer_undo, request_undo
from .views import history, lost_own_move, snapshot, sync_reply

__all__ = [
    "BOT", "PRIVATE", "PUBLIC", "Coin", "Color", "ColorPref", "Decision", "EngineMove", "FlagWatch",
    "FollowUp", "GameState", "Move", "Phase", "Point", "Rejected", "accept_score", "answer_undo", "attach_bot",
    "bot_color", "cancel_wait", "choose_color", "claim_win", "colours_by_coin", "come_back", "count",
    "decode_move", "encode_move", "fair_coin", "flag_deadline", "history", "join", "lost_own_move",
    "make_move", "moves_by", "new_game", "player_absent", "player_returned", "quit_game", "ready_event",
    "request_undo", "resign", "scoring_event", "snapshot", "sync_reply", "time_out", "toggle_dead",
    "waiting_event", "what_follows", "your_color",
    "ChatLine", "Rematch", "accept_rematch", "decline_rematch", "is_listed", "live_entry", "offer_rematch",
    "rematch_id", "say", "set_listed", "sgf_comments", "visible_to", "wants_acceptance",
]
