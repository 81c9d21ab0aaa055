"""The ``motcua`` command line (contracts in DESIGN.md: ask, eval, shell; plus index, catalogue, bench…)."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="motcua — trợ lý ảo thủ tục hành chính / public-service assistant", no_args_is_help=True, add_completion=False
)
index_app = typer.Typer(help="The search index.", no_args_is_help=True)
catalogue_app = typer.Typer(help="The procedure catalogue.", no_args_is_help=True)
bench_app = typer.Typer(help="Benchmarks that print numbers.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(catalogue_app, name="catalogue")
bot_app = typer.Typer(help="The Rasa assistant: validate, train, test.", no_args_is_help=True)
app.add_typer(bench_app, name="bench")
app.add_typer(bot_app, name="bot")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_RAW = REPO.parent / "shared" / "data" / "raw"


def _quiet_libraries() -> None:
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("sentence_transformers", "transformers", "faiss", "bm25s"):
        logging.getLogger(noisy).setLevel(logging.ERROR)


def _assistant(show_progress: bool = True):
    from knowledge_base.assistant import Assistant

    _quiet_libraries()
    return Assistant.from_settings(show_progress=show_progress)


def _print_answer(result, debug: bool = False) -> None:
    from rich.console import Console

    console = Console(highlight=False)
    console.print(result.answer.text, markup=False)
    for number, button in enumerate(result.answer.buttons, start=1):
        console.print(f"  [{number}] {button.title}", markup=False, style="cyan")
    if debug and result.search:
        for c in result.search.candidates:
            console.print(f"    {c.code} {c.score:.3f} {c.name[:70]}", markup=False, style="dim")


@app.command()
def ask(
    question: Annotated[str | None, typer.Argument(help="The question; omit it to ask several in a row.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    top_k: Annotated[int, typer.Option("--top-k", min=1, max=50, help="How many procedures to return.")] = 5,
    debug: Annotated[bool, typer.Option("--debug", help="Show the retrieved codes and scores.")] = False,
) -> None:
    """Ask the retrieval layer a question (in Vietnamese, with or without tone marks, or in English)."""
    assistant = _assistant(show_progress=not as_json)
    if question is not None:
        result = assistant.ask(question, top_k=top_k)
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            _print_answer(result, debug)
        return
    typer.echo(
        "Hỏi về thủ tục hành chính; gõ số để chọn nút, Ctrl-D để thoát.\n"
        "Ask about a procedure; type a number to press a button, Ctrl-D to quit."
    )
    buttons: list = []
    language = "vi"
    while True:
        try:
            line = input("\n> ").strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if line.lower() in {"/quit", "/exit", "thoát", "thoat"}:
            return
        if line.isdigit() and 1 <= int(line) <= len(buttons):
            result = assistant.follow(buttons[int(line) - 1].payload, lang=language)
        elif line.startswith("/"):
            result = assistant.follow(line, lang=language)
        else:
            result = assistant.ask(line, top_k=top_k)
            language = result.language
        buttons = result.answer.buttons
        if as_json:
            typer.echo(json.dumps(result.to_json(), ensure_ascii=False))
        else:
            _print_answer(result, debug)


@app.command("eval")
def evaluate(
    questions: Annotated[Path, typer.Option("--questions", exists=True, dir_okay=False, help="JSON Lines file.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    show_misses: Annotated[bool, typer.Option("--misses", help="Also list the questions missed at rank 1.")] = False,
) -> None:
    """hit@1, hit@3, MRR, out-of-scope precision/recall, by variant, and warm latency on a question set."""
    from knowledge_base.evaluation import load_questions, misses, run_questions, summarize

    try:
        rows = load_questions(questions)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    assistant = _assistant(show_progress=not as_json)
    assistant.warm_up()

    def ask_one(text: str) -> tuple[list[str], bool, str]:
        r = assistant.ask(text, top_k=10)
        ranked = [c.code for c in r.search.candidates] if r.search else []
        return ranked, r.oos, str(r.aspect)

    outcomes = run_questions(rows, ask_one)
    summary = summarize(outcomes)
    if show_misses:
        summary["misses"] = misses(outcomes)
    if as_json:
        typer.echo(json.dumps(summary, ensure_ascii=False))
        return
    from knowledge_base.reports import render_eval

    render_eval(summary)


@index_app.command("build")
def index_build(
    force: Annotated[bool, typer.Option("--force", help="Rebuild even when the cached index is current.")] = False,
) -> None:
    """Build the search index (with a progress bar) into the cache folder."""
    import shutil
    import time

    from knowledge_base.embedding import Encoder
    from knowledge_base.retrieval.index import build_index, index_directory
    from knowledge_base.settings import RetrievalSettings

    _quiet_libraries()
    settings = RetrievalSettings.from_env()
    directory = index_directory(settings, Encoder(settings.model_id, cache_dir=settings.cache_dir))
    if (directory / "meta.json").exists() and not force:
        typer.echo(f"index is current: {directory}")
        return
    if directory.exists():
        shutil.rmtree(directory)
    directory.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    build_index(settings, directory, show_progress=True)
    typer.echo(f"index built in {time.perf_counter() - started:.1f} s: {directory}")


@catalogue_app.command("ingest")
def catalogue_ingest(
    raw: Annotated[Path, typer.Option("--raw", help="Folder holding the crawls.")] = DEFAULT_RAW,
    out: Annotated[Path | None, typer.Option("--out", help="Catalogue JSONL to write.")] = None,
) -> None:
    """Parse the portal crawls into the normalized catalogue and print a parse-quality report."""
    from knowledge_base.catalogue import DEFAULT_PATH
    from knowledge_base.ingest import run_ingest

    if not raw.is_dir():
        typer.echo(f"no crawl folder at {raw}", err=True)
        raise typer.Exit(2)
    report = run_ingest(raw, out or DEFAULT_PATH)
    typer.echo(report.render())


@app.command()
def calibrate(
    questions: Annotated[
        list[Path] | None, typer.Option("--questions", help="Question sets (default: all of our own).")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Print, don't write ranker.json.")] = False,
) -> None:
    """Fit the fusion weights and the out-of-scope threshold on our own question sets (never the dev set)."""
    from knowledge_base.retrieval.calibration import calibrate as fit
    from knowledge_base.retrieval.calibration import calibration_files

    assistant = _assistant()
    params, report = fit(assistant.retriever, questions or calibration_files())
    typer.echo(json.dumps(report, ensure_ascii=False, indent=2))
    if not dry_run:
        params.save()
        typer.echo("wrote knowledge_base/data/calibration/ranker.json")


@bench_app.command("retrieval")
def bench_retrieval(
    questions: Annotated[Path, typer.Option("--questions", exists=True, dir_okay=False)] = (
        REPO.parent / "shared" / "eval" / "dev.jsonl"
    ),
    runs: Annotated[int, typer.Option("--runs", min=1, help="Latency runs over the set (median reported).")] = 3,
    build: Annotated[bool, typer.Option("--build/--no-build", help="Also time a full index build.")] = True,
) -> None:
    """Quality by variant and aspect, warm latency p50/p95 (median of runs), index build time, peak memory."""
    from knowledge_base.bench import run_retrieval_benchmark

    _quiet_libraries()
    run_retrieval_benchmark(questions, runs=runs, build=build)


@bench_app.command("dialogue")
def bench_dialogue(
    runs: Annotated[int, typer.Option("--runs", min=1, help="Conversations to play (after one warm-up).")] = 5,
    url: Annotated[str | None, typer.Option("--url", help="A running Rasa server; default: start the stack.")] = None,
) -> None:
    """Turn latency through the real stack (REST → Rasa → actions → retrieval), p50/p95 by kind of turn."""
    from motcua import stack
    from motcua.dialogue_bench import run_dialogue_benchmark

    def measure(rasa_url: str) -> None:
        results = run_dialogue_benchmark(rasa_url, runs=runs)
        for kind, numbers in results.items():
            p50, p95 = numbers["p50_ms"], numbers["p95_ms"]
            typer.echo(f"{kind:>10}: n={numbers['n']:>3}  p50 {p50:>7.1f} ms  p95 {p95:>7.1f} ms")

    if url:
        measure(url)
        return
    settings = _stack_settings()
    model = _stack_call(lambda: stack.train(settings))

    def run() -> None:
        with stack.running(settings, model) as running:
            measure(running.rasa_url)

    _stack_call(run)


@bench_app.command("forms")
def bench_forms(
    url: Annotated[str | None, typer.Option("--url", help="A running Rasa server; default: start the stack.")] = None,
    token: Annotated[str, typer.Option("--token", help="Its API token (for the tracker); default: the stack's.")] = "",
) -> None:
    """Turns per form (full and partial pre-fill) for demo citizens, through the real stack."""
    from motcua import stack
    from motcua.forms_bench import report, run_forms_benchmark

    settings = _stack_settings()
    if url:
        typer.echo(report(run_forms_benchmark(url, token or stack.read_token(settings, "rasa"))))
        return
    model = _stack_call(lambda: stack.train(settings))

    def run() -> None:
        with stack.running(settings, model) as running:
            typer.echo(report(run_forms_benchmark(running.rasa_url, stack.read_token(settings, "rasa"))))

    _stack_call(run)


@bench_app.command("gateway")
def bench_gateway(
    mode: Annotated[str, typer.Option("--mode", help="stub: an instant fake Rasa; real: the whole stack.")] = "stub",
    conversations: Annotated[int, typer.Option("--conversations", min=1, max=500)] = 20,
    turns: Annotated[int, typer.Option("--turns", min=1, max=1000)] = 30,
) -> None:
    """Gateway throughput and latency on loopback; overhead = through the gateway − straight to Rasa."""
    from motcua import gateway_bench

    if mode not in ("stub", "real"):
        raise typer.BadParameter("--mode is stub or real")
    run = gateway_bench.run_stub if mode == "stub" else gateway_bench.run_real
    results = _stack_call(lambda: run(conversations, turns))
    typer.echo(f"{conversations} concurrent conversations × {turns} turns, mode {mode}")
    typer.echo(gateway_bench.report(results))


@app.command("tones-report")
def tones_report(
    holdout: Annotated[float, typer.Option("--holdout", min=0.01, max=0.5)] = 0.1,
) -> None:
    """Accuracy of tone-mark restoration on catalogue sentences held out from its training."""
    from knowledge_base.catalogue import load_catalogue
    from knowledge_base.retrieval.index import tone_training_texts
    from knowledge_base.text.tones import evaluate_tone_restorer

    texts = list(tone_training_texts(load_catalogue().procedures))
    typer.echo(json.dumps(evaluate_tone_restorer(texts, holdout_fraction=holdout, seed=0), indent=2))


# ---------------------------------------------------------------------------------------------- dialogue stack


def _stack_settings():
    from motcua.stack import StackSettings

    return StackSettings.from_env()


def _stack_call(call):
    from motcua.stack import StackError

    try:
        return call()
    except StackError as error:
        typer.secho(f"error: {error}", fg="red", err=True)
        raise typer.Exit(1) from None


@bot_app.command("validate")
def bot_validate() -> None:
    """`rasa data validate` on the domain, stories, rules and NLU data (warnings fail)."""
    from motcua import stack

    _stack_call(stack.validate_data)
    typer.echo("Rasa data is valid.")


@bot_app.command("train")
def bot_train(
    force: Annotated[bool, typer.Option("--force", help="Train even if the model is current.")] = False,
) -> None:
    """Train the Rasa model if it is missing or stale (a hash of config.yml, bot/ and nlu/ names it)."""
    from motcua import stack

    settings = _stack_settings()
    model = _stack_call(lambda: stack.train(settings, force=force))
    typer.echo(f"Model: {model}")


@bot_app.command("test")
def bot_test(
    out: Annotated[Path, typer.Option("--out", help="Where rasa test writes its reports.")] = REPO / "reports" / "core",
) -> None:
    """Train if needed, start the stack on 127.0.0.1 and run the conversation test stories (fail on any error)."""
    from motcua import stack

    settings = _stack_settings()
    model = _stack_call(lambda: stack.train(settings))

    def run() -> None:
        with stack.running(settings, model):
            stack.test_conversations(settings, model, out)

    _stack_call(run)
    typer.echo(f"All conversation tests passed; reports in {out}")


@bot_app.command("nlu-report")
def bot_nlu_report(
    folds: Annotated[int, typer.Option("--folds", min=2, max=10)] = 3,
    out: Annotated[Path, typer.Option("--out")] = REPO / "reports" / "nlu-cross-validation",
) -> None:
    """NLU cross-validation (intent precision/recall/F1 per intent) saved under ``--out``."""
    from motcua import stack

    _stack_call(lambda: stack.nlu_cross_validation(out, folds=folds))
    report = out / "intent_report.json"
    if report.exists():
        data = json.loads(report.read_text())
        for key in ("accuracy", "macro avg", "weighted avg"):
            typer.echo(f"{key}: {json.dumps(data.get(key))}")
    typer.echo(f"Report saved in {out}")


@app.command()
def actions(
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 5055,
) -> None:
    """Run the action server (rasa-sdk) with the retrieval layer loaded."""
    from actions.server import run_action_server

    _quiet_libraries()
    logging.getLogger().setLevel(logging.INFO)
    run_action_server(host=host, port=port)


@app.command()
def up(
    chat: Annotated[bool, typer.Option("--chat", help="Chat in this terminal once ready; Ctrl-D stops all.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="With --chat: show intents and scores.")] = False,
) -> None:
    """Train if needed, start the action server, Rasa and the gateway on 127.0.0.1, and wait; Ctrl-C stops all."""
    import signal
    import time

    from motcua import stack

    def _interrupt(*_: object) -> None:
        raise KeyboardInterrupt

    # Also when started in the background, where the shell makes SIGINT ignored.
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)
    settings = _stack_settings()
    typer.echo("Checking the Rasa model (training takes 1–2 minutes when the bot data changed)…")
    model = _stack_call(lambda: stack.train(settings, log=settings.run_dir / "train.log"))
    typer.echo(f"Model {model.name}. Starting the action server and the Rasa server (about a minute)…")
    running = _stack_call(lambda: stack.start(settings, model))
    typer.echo(
        f"\nThe assistant is ready: gateway {settings.gateway_url} (web widget demo: {settings.gateway_url}/demo,"
        f" API docs: {settings.gateway_url}/docs), Rasa {settings.rasa_url}.\n"
        "Chat with it in another terminal:  .venv/bin/motcua shell   (add --debug for intents and scores)\n"
        f"Logs in {settings.run_dir}\n"
        "Press Ctrl-C to stop."
    )
    try:
        if chat:
            from connectors.shell import GatewayChat, run_shell
            from motcua.stack import read_token

            run_shell(GatewayChat(settings.gateway_url, staff_token=read_token(settings, "staff")), debug=debug)
            return
        while all(running.alive().values()):
            time.sleep(1)
        dead = [name for name, alive in running.alive().items() if not alive]
        typer.secho(f"{', '.join(dead)} stopped unexpectedly; see the logs above.", fg="red", err=True)
        raise typer.Exit(1)
    except KeyboardInterrupt:
        typer.echo("\nStopping…")
    finally:
        running.stop()


@app.command()
def shell(
    debug: Annotated[bool, typer.Option("--debug", help="Show intent, confidence, actions, retrieved codes.")] = False,
    url: Annotated[str | None, typer.Option("--url", help="The gateway (default: the local stack).")] = None,
    rasa_url: Annotated[
        str | None, typer.Option("--rasa-url", help="Talk to a Rasa server directly, without the gateway.")
    ] = None,
) -> None:
    """Chat with the running assistant over HTTP, as a citizen would (start it with `bash scripts/run.sh`)."""
    from connectors.shell import GatewayChat, RasaChat, run_shell
    from motcua.stack import read_token

    settings = _stack_settings()
    if rasa_url:
        chat = RasaChat(rasa_url, token=read_token(settings, "rasa"))
    else:
        chat = GatewayChat(url or settings.gateway_url, staff_token=read_token(settings, "staff"))
    raise typer.Exit(run_shell(chat, debug=debug))


@app.command()
def gateway(
    host: Annotated[str, typer.Option("--host", envvar="MOTCUA_GATEWAY_HOST")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", envvar="MOTCUA_GATEWAY_PORT", min=1, max=65535)] = 8000,
) -> None:
    """Run the channel gateway (chat API, web widget, Zalo and Telegram webhooks) in front of Rasa."""
    import uvicorn

    from connectors.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    uvicorn.run(create_app(), host=host, port=port, log_level="warning", access_log=False)


@app.command("telegram-webhook")
def telegram_webhook(
    url: Annotated[str, typer.Argument(help="The public https URL of /webhooks/telegram on your gateway.")],
) -> None:
    """Register the gateway's Telegram webhook (with MOTCUA_TELEGRAM_SECRET_TOKEN) at Telegram."""
    import asyncio

    from connectors.settings import GatewaySettings
    from connectors.telegram.channel import register_webhook

    try:
        asyncio.run(register_webhook(GatewaySettings(), url))
    except ValueError as error:
        typer.secho(f"error: {error}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo("Telegram will deliver updates to the gateway.")


@app.command("telegram-poll")
def telegram_poll() -> None:
    """Serve Telegram by long polling (for operators without a public webhook URL)."""
    from connectors.settings import GatewaySettings
    from connectors.telegram.polling import run_polling

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = GatewaySettings()
    if not settings.telegram_enabled:
        typer.secho("error: set MOTCUA_TELEGRAM_BOT_TOKEN first", fg="red", err=True)
        raise typer.Exit(1)
    run_polling(settings)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
