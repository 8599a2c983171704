"""Concrete models over the core's abstract bases, so the primitives are tested without any domain
app. Installed only by tests/settings.py (never in the site)."""
from decimal import Decimal

from django.conf import settings
from django.db import models

from campaign_site.generic.ledger import Balance, LedgerEntry, ledger_post
from campaign_site.generic.models import OrganisationOwned


class Gadget(OrganisationOwned):
    """An organisation-owned record: `model_update`, history and `visible_to`."""

    name = models.CharField("name", max_length=60)
    amount = models.DecimalField("amount", max_digits=10, decimal_places=2, default=0)
    due = models.DateField("due", null=True, blank=True)
    keeper = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return self.name


class GadgetStock(Balance):
    """The running balance of one gadget."""

    gadget = models.ForeignKey(Gadget, on_delete=models.PROTECT, related_name="+")

    class Meta(Balance.Meta):
        constraints = [
            *Balance.Meta.constraints,
            models.UniqueConstraint(fields=["gadget"], name="coretest_gadgetstock_one_per_gadget"),
        ]


class GadgetMove(LedgerEntry):
    """A movement of a gadget: receipts positive, issues negative."""

    balance_model = GadgetStock

    gadget = models.ForeignKey(Gadget, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=[("receipt", "receipt"), ("issue", "issue")])

    def balance_key(self):
        return {"gadget": self.gadget}


# -- a two-person kind: a gadget movement confirmed by a principal or another leader ---------------

def carry_out_move(action, actor):
    """Post the movement the request describes (payload: quantity) on the target gadget."""
    gadget = action.target
    qty = Decimal(action.payload["quantity"])
    return ledger_post(entry=GadgetMove(organisation=gadget.organisation, gadget=gadget, quantity=qty,
                                        kind="receipt" if qty > 0 else "issue", note=action.summary), actor=actor)


def trained(user, action):
    """Stands in for an app's own check (e.g. a valid training record): payload lists the untrained."""
    return user.username not in action.payload.get("untrained", [])


RELEASED = []


def release_move(action, actor):
    RELEASED.append((action.pk, actor))
