"""What staff do to generation requests from the back office that the site itself never does."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from books.models import GenerationJob


@transaction.atomic
def generation_jobs_give_back(*, jobs: QuerySet[GenerationJob]) -> int:
    """Stop these requests counting against their users' daily quota; returns how many changed.

    Only requests still counting are touched, so giving back twice changes nothing.
    """
    return GenerationJob.objects.filter(id__in=jobs.values("id"), quota_refunded=False).update(
        quota_refunded=True
    )
