from celery import shared_task

from .services import delivery_send


@shared_task(autoretry_for=(Exception,), retry_backoff=30, retry_kwargs={"max_retries": 5})
def deliver_notice(delivery_id: int) -> str:
    return delivery_send(delivery_id=delivery_id)
