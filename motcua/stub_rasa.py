"""A stand-in for Rasa's REST channel with a fixed, instant reply: isolates the gateway in benchmarks.

Run as ``python -m motcua.stub_rasa PORT``. Never used by the product itself.
"""

from __future__ import annotations

import sys

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

REPLY = [
    {
        "text": "Đăng ký khai sinh (mã 1.001193)\nCấp thực hiện: Cấp xã\nNguồn chính thức: https://dichvucong.gov.vn",
        "buttons": [
            {"title": "Lệ phí", "payload": '/ask_aspect{"aspect":"fee","code":"1.001193"}'},
            {"title": "Thời gian", "payload": '/ask_aspect{"aspect":"time","code":"1.001193"}'},
        ],
    }
]


async def webhook(request: Request) -> JSONResponse:
    body = await request.json()
    return JSONResponse([{"recipient_id": body.get("sender"), **m} for m in REPLY])


async def status(_: Request) -> JSONResponse:
    return JSONResponse({"version": "stub"})


app = Starlette(routes=[Route("/webhooks/rest/webhook", webhook, methods=["POST"]), Route("/", status)])

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
