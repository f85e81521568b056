"""The wire schema of client commands (pydantic), and how a frame becomes a command or an Error.

Every command of the original BUGOUT protocol plus the extensions, as ``docs/protocol.md`` lists them. Unknown
fields are ignored, as the protocol says; anything else that is wrong gets a precise error.
"""

from __future__ import annotations

import json
import uuid
from typing import Annotated, Any, ClassVar, Literal, Optional, Union

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError, field_validator

from app import choices

MAX_FRAME_BYTES = 16 * 1024
MAX_COORD = 24  # the largest board is 25x25

Player = Literal["BLACK", "WHITE"]


def _one_of(options: tuple[Any, ...]) -> AfterValidator:
    def check(value: Any) -> Any:
        if value not in options:
            raise ValueError(f"must be one of {', '.join(map(str, options))}")
        return value
    return AfterValidator(check)


# The choices a creator has, from their one home (app.choices).
BoardSize = Annotated[int, Field(strict=True), _one_of(choices.BOARD_SIZES)]
RulePreset = Annotated[str, _one_of(choices.RULE_PRESETS)]
BotName = Annotated[str, _one_of(choices.BOT_NAMES)]
Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_\-:.]+$")]


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError("must be a UUID like 7c9e6679-7425-40de-944b-e07fc1f90ae7") from None


class Command(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    needs_identity: ClassVar[bool] = True
    """Whether the connection must have sent Identify first (a class fact, never from the frame)."""


class Coord(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    x: int = Field(ge=0, le=MAX_COORD, strict=True)
    y: int = Field(ge=0, le=MAX_COORD, strict=True)


class WireMove(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)
    player: Player
    coord: Optional[Coord] = None
    turn: int = Field(ge=1, le=10_000, strict=True)


class GameCommand(Command):
    gameId: str

    @field_validator("gameId")
    @classmethod
    def _game_id(cls, value: str) -> str:
        return _uuid(value)


class OptionalGame(Command):
    gameId: Optional[str] = None

    @field_validator("gameId")
    @classmethod
    def _game_id(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else _uuid(value)


class Identify(Command):
    type: Literal["Identify"]
    clientId: str
    extensions: list[Annotated[str, Field(max_length=32)]] = Field(default_factory=list, max_length=16)
    """The protocol extensions the client understands (``app.dialect``); none: an original client."""
    needs_identity: ClassVar[bool] = False

    @field_validator("clientId")
    @classmethod
    def _client_id(cls, value: str) -> str:
        return _uuid(value)


class Beep(Command):
    type: Literal["Beep"]
    needs_identity: ClassVar[bool] = False


class ProvideIdleStatus(Command):
    type: Literal["ProvideIdleStatus"]
    needs_identity: ClassVar[bool] = False


class FindPublicGame(Command):
    type: Literal["FindPublicGame"]
    boardSize: BoardSize = 19


class WireTimeControl(BaseModel):
    """Checked again, to the second, by ``app.clock.TimeControl.from_json``."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["none", "fischer", "byoyomi"]
    mainS: float = Field(default=0, ge=0, le=86400)
    incrementS: Optional[float] = Field(default=None, ge=0, le=3600)
    periods: Optional[int] = Field(default=None, ge=0, le=30)
    periodS: Optional[float] = Field(default=None, ge=0, le=3600)

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(exclude_none=True) if self.kind != "none" else {"kind": "none"}


class NewGame(Command):
    """The settings a creator chooses, for a game with a friend or against the AI."""

    boardSize: BoardSize = 19
    rules: RulePreset = "chinese"
    komi: Optional[float] = Field(default=None, ge=-50, le=50)
    handicap: int = Field(default=0, ge=0, le=9)
    timeControl: Optional[WireTimeControl] = None

    def setup_json(self) -> dict[str, Any]:
        """What the lobby task takes (``tasks.lobby._private_game``)."""
        return {"boardSize": self.boardSize, "rules": self.rules, "komi": self.komi, "handicap": self.handicap,
                "timeControl": self.timeControl.to_json() if self.timeControl else None}


class CreatePrivateGame(NewGame):
    type: Literal["CreatePrivateGame"]


class JoinPrivateGame(Command):
    type: Literal["JoinPrivateGame"]
    gameId: Id


class ChooseColorPref(OptionalGame):
    type: Literal["ChooseColorPref"]
    colorPref: Literal["Black", "White", "Any"]


class MakeMove(GameCommand):
    type: Literal["MakeMove"]
    reqId: Optional[Id] = None
    player: Optional[Player] = None
    coord: Optional[Coord] = None


class QuitGame(OptionalGame):
    type: Literal["QuitGame"]


class Resign(OptionalGame):
    type: Literal["Resign"]


class ClaimWin(OptionalGame):
    type: Literal["ClaimWin"]


class AttachBot(NewGame):
    type: Literal["AttachBot"]
    player: Player = "WHITE"
    bot: BotName = "KataGoOneStar"


class UndoMove(OptionalGame):
    type: Literal["UndoMove"]
    player: Optional[Player] = None


class AnswerUndo(OptionalGame):
    type: Literal["AnswerUndo"]
    accept: bool


class ReqSync(OptionalGame):
    type: Literal["ReqSync"]
    reqId: Optional[Id] = None
    playerUp: Optional[Player] = None
    turn: Optional[int] = Field(default=None, ge=1, le=10_000)
    lastMove: Optional[WireMove] = None


class Reconnect(GameCommand):
    type: Literal["Reconnect"]
    reqId: Optional[Id] = None
    sinceVersion: Optional[int] = Field(default=None, ge=0)


class ProvideHistory(GameCommand):
    type: Literal["ProvideHistory"]
    reqId: Optional[Id] = None


class ToggleDead(GameCommand):
    type: Literal["ToggleDead"]
    coord: Coord


class AcceptScore(GameCommand):
    type: Literal["AcceptScore"]
    version: Optional[int] = Field(default=None, ge=0)
    """The version of the count the player saw (an extension: without it, the current one)."""


class WatchGame(GameCommand):
    type: Literal["WatchGame"]


class ProvideGameState(GameCommand):
    type: Literal["ProvideGameState"]


# -- around the game: chat, rematch, live games (extensions ``chat``, ``rematch``, ``live``) ------

MAX_CHAT_CHARS = 300
"""Checked again, after cleaning, by ``app.game.chat``."""


class SendChat(GameCommand):
    type: Literal["SendChat"]
    text: str = Field(min_length=1, max_length=MAX_CHAT_CHARS)


class ProvideChat(GameCommand):
    type: Literal["ProvideChat"]


class OfferRematch(GameCommand):
    type: Literal["OfferRematch"]
    reqId: Optional[Id] = None


class AnswerRematch(GameCommand):
    type: Literal["AnswerRematch"]
    accept: bool
    reqId: Optional[Id] = None


class ListLiveGames(Command):
    type: Literal["ListLiveGames"]


class SetListed(GameCommand):
    type: Literal["SetListed"]
    listed: bool


AnyCommand = Annotated[
    Union[
        Identify, Beep, ProvideIdleStatus, FindPublicGame, CreatePrivateGame, JoinPrivateGame,
        ChooseColorPref, MakeMove, QuitGame, Resign, ClaimWin, AttachBot, UndoMove, AnswerUndo, ReqSync,
        Reconnect, ProvideHistory, ToggleDead, AcceptScore, WatchGame, ProvideGameState,
        SendChat, ProvideChat, OfferRematch, AnswerRematch, ListLiveGames, SetListed,
    ],
    Field(discriminator="type"),
]
COMMAND_TYPES = frozenset(
    m.model_fields["type"].annotation.__args__[0]
    for m in AnyCommand.__origin__.__args__  # type: ignore[attr-defined]
)
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyCommand)


class FrameError(ValueError):
    """A frame that cannot be understood; ``code`` goes into the Error event."""

    def __init__(self, code: str, message: str, reply_to: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.reply_to = reply_to


def parse(frame: Union[str, bytes]) -> Command:
    """A validated command, or :class:`FrameError` saying precisely what is wrong."""
    if isinstance(frame, bytes):
        if len(frame) > MAX_FRAME_BYTES:
            raise FrameError("too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
        try:
            frame = frame.decode("utf-8")
        except UnicodeDecodeError:
            raise FrameError("bad_json", "frames must be UTF-8 JSON text") from None
    if len(frame) > MAX_FRAME_BYTES or len(frame.encode("utf-8")) > MAX_FRAME_BYTES:
        raise FrameError("too_large", f"frames are limited to {MAX_FRAME_BYTES} bytes")
    try:
        data = json.loads(frame)
    except (ValueError, RecursionError):
        raise FrameError("bad_json", "the frame is not valid JSON") from None
    if not isinstance(data, dict):
        raise FrameError("bad_frame", "a frame must be a JSON object with a \"type\"")
    reply_to = data.get("reqId") if isinstance(data.get("reqId"), str) else None
    kind = data.get("type")
    if not isinstance(kind, str):
        raise FrameError("bad_frame", "the frame has no \"type\" string", reply_to)
    if kind not in COMMAND_TYPES:
        raise FrameError("unknown_type", f"unknown command type {kind[:40]!r}", reply_to)
    try:
        return _ADAPTER.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError as invalid:
        raise FrameError("invalid", describe(kind, invalid), reply_to) from None


def describe(kind: str, invalid: ValidationError) -> str:
    problems = []
    for problem in invalid.errors()[:5]:
        where = ".".join(str(part) for part in problem["loc"][1:]) or "frame"
        problems.append(f"{where}: {problem['msg']}")
    return f"{kind}: " + "; ".join(problems)
