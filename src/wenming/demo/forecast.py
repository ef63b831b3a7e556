"""Demo step: compute the forecast (预估测评得分) and its backtest, so the leader view, the big screen and the
weekly bulletin show it on first start. Idempotent: a forecast already computed from the same data is kept.

Runs after the inspections and cases steps (it reads their rows) and before the bulletins (the weekly one
freezes the forecast block into its snapshot)."""

from __future__ import annotations

from wenming.demo.context import DemoContext


def load_forecast(ctx: DemoContext) -> None:
    from wenming.forecast import backtest, services

    services.refresh()
    if not backtest.report()["lines"]:
        backtest.run_backtest()
