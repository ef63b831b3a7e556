"""Background jobs of the bulletins app: generating and rendering bulletins (see services.run_job)."""

from django.tasks import task


@task
def run_bulletin_job(job_id: int) -> str:
    """Collect a bulletin's figures and/or render its DOCX, XLSX and PDF, reporting progress on the job row."""
    from wenming.bulletins.services import run_job

    return run_job(job_id)
