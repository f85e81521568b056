"""The websocket's deflate: small messages go plain, large ones compressed; a browser's
permessage-deflate reads both (wsproto stands in for it, on both ends)."""

from __future__ import annotations

import json

import pytest
from wsproto.extensions import PerMessageDeflate
from wsproto.frame_protocol import FrameProtocol

from web.compression import COMPRESS_FROM_BYTES, DeflateLargeMessages

RSV1 = 0x40


def ends() -> tuple[FrameProtocol, FrameProtocol]:
    """Both ends after the handshake: the browser offers deflate, the server accepts it its way."""
    ours = DeflateLargeMessages(server_no_context_takeover=True, client_no_context_takeover=True)
    theirs = PerMessageDeflate()
    theirs.finalize(ours.accept(theirs.offer()))
    return FrameProtocol(client=False, extensions=[ours]), FrameProtocol(client=True, extensions=[theirs])


@pytest.mark.parametrize(("size", "compressed"), [(200, False), (COMPRESS_FROM_BYTES - 1, False),
                                                  (COMPRESS_FROM_BYTES, True), (20_000, True)])
def test_only_messages_from_the_threshold_on_are_compressed_and_every_one_reads_back(size: int,
                                                                                     compressed: bool) -> None:
    server, browser = ends()
    text = json.dumps({"type": "GameState", "moves": "x" * size})[:size]
    sent = [server.send_data(text, fin=True) for _ in range(3)]  # the compressor starts afresh each time
    for wire in sent:
        assert bool(wire[0] & RSV1) is compressed
        assert (len(wire) < size) is compressed
        browser.receive_bytes(wire)
        frames = list(browser.received_frames())
        assert [f.payload for f in frames] == [text]
