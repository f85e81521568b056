"""How the websocket compresses (permessage-deflate, which every browser offers).

Two choices, both measured (bench/footprint.py, bench/load.py):

- No context takeover: simple-websocket accepts the browser's offer as it comes, which keeps a
  zlib compressor per socket for its whole life (about 100 kB each). Each message is compressed
  on its own instead, which bounds that memory.
- Small messages are not compressed at all. Most events (MoveMade, YourColor, ...) are a few
  hundred bytes of JSON that deflate barely shrinks, and a fresh compressor per message costs
  more CPU than the bytes are worth (about 0.1 ms of the web's CPU per move at 100 moves/s).
  RFC 7692 lets an endpoint send any message uncompressed (RSV1 clear); a whole-game
  ``GameState`` still is compressed.
"""

from __future__ import annotations

import functools
from typing import Any

from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import Opcode, RsvBits

COMPRESS_FROM_BYTES = 1024
"""Messages shorter than this are sent as they are."""


class DeflateLargeMessages(PerMessageDeflate):
    def frame_outbound(self, proto: Any, opcode: Opcode, rsv: RsvBits, data: bytes,
                       fin: bool) -> tuple[RsvBits, bytes]:
        if fin and opcode is not Opcode.CONTINUATION and len(data) < COMPRESS_FROM_BYTES:
            return (rsv, data)  # a whole small message: RSV1 stays clear, the peer reads it plain
        return super().frame_outbound(proto, opcode, rsv, data, fin)


_configured = False


def configure() -> None:
    """Make simple-websocket negotiate our deflate (it names the class at call time, so this
    one setting changes what every socket accepts)."""
    global _configured
    if _configured:
        return
    import simple_websocket.ws

    simple_websocket.ws.PerMessageDeflate = functools.partial(
        DeflateLargeMessages, server_no_context_takeover=True, client_no_context_takeover=True)
    _configured = True
