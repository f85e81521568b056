"""A slow, lossy cable between a host and the bridge, in user space.

This kernel has no ``sch_netem`` (``tc qdisc add ... netem`` answers "Specified qdisc kind is
unknown"), so the latency and the loss are made here: a host's veth is taken off the bridge and
a new veth pair put in its place; this process reads every frame arriving on either side
(AF_PACKET) and sends it out of the other side ``delay_s`` later, or drops it with probability
``loss``. A frame between two hosts crosses two cables: one-way latency ``2 * delay_s``, loss
``1 - (1 - loss) ** 2``. TCP connections live through the change (addresses and MACs stay).

Run as ``python -m tests.topology.wire DELAY_S LOSS SEED IFACE_A:IFACE_B ...`` (root namespace).
The frames keep their virtio-net header (PACKET_VNET_HDR): a veth leaves TCP checksums and
segmentation to "hardware", and the header carries that work along to the other side.
"""

from __future__ import annotations

import heapq
import random
import select
import socket
import sys
import time

ETH_P_ALL = 0x0003
PACKET_OUTGOING = 4
SOL_PACKET, PACKET_VNET_HDR = 263, 15
"""Each frame comes with its virtio-net header (checksum still to compute, GSO), and is sent
with it: the kernel does what the veth left to "hardware", so no checksum is wrong and no frame is
too large."""


def main(argv: list[str]) -> None:
    delay_s, loss, seed = float(argv[0]), float(argv[1]), int(argv[2])
    rng = random.Random(seed)
    sockets: dict[int, tuple[socket.socket, socket.socket]] = {}
    for pair in argv[3:]:
        a_name, b_name = pair.split(":")
        a = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        b = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
        a.bind((a_name, 0))
        b.bind((b_name, 0))
        for s in (a, b):
            s.setsockopt(SOL_PACKET, PACKET_VNET_HDR, 1)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
            s.setblocking(False)
        sockets[a.fileno()] = (a, b)
        sockets[b.fileno()] = (b, a)
    due: list[tuple[float, int, socket.socket, bytes]] = []
    seq = 0
    print("wire: ready", flush=True)
    poller = select.poll()
    for fd in sockets:
        poller.register(fd, select.POLLIN)
    while True:
        now = time.monotonic()
        while due and due[0][0] <= now:
            _, _, out, frame = heapq.heappop(due)
            try:
                out.send(frame)
            except OSError:
                pass
        timeout_ms = max(0, int((due[0][0] - now) * 1000)) if due else 1000
        for fd, _ in poller.poll(timeout_ms):
            inbound, outbound = sockets[fd]
            while True:
                try:
                    frame, address = inbound.recvfrom(65536)
                except BlockingIOError:
                    break
                if address[2] == PACKET_OUTGOING:  # what we sent ourselves
                    continue
                if loss and rng.random() < loss:
                    continue
                seq += 1
                heapq.heappush(due, (time.monotonic() + delay_s, seq, outbound, frame))


if __name__ == "__main__":
    main(sys.argv[1:])
