"""Scoped reads for information bulletins (信息简报) and exhibitions of achievements (成果展示).

Built only on ``orgs.queries``. Bulletins: the office of a node with a campaign LeadingGroup issues them
("领导小组下设办公室，负责创先争优活动的组织指导", seed part 五); they are read by users with a role covering an
organization they were distributed to, and by the issuing side (users covering the issuing node).
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from orgs import queries
from orgs.enums import Role
from orgs.models import Org, RoleAssignment, User

from ..models import (
    ActivityRecord,
    Attachment,
    Bulletin,
    BulletinRecipient,
    BulletinStatus,
    Exhibition,
    ExhibitionItem,
    LeadingGroup,
    Story,
    StoryStatus,
)

# The leading group's office: 组织部 or 领导小组 holding the role on the node of the LeadingGroup itself.
ISSUE_ROLES = frozenset({Role.ORG_DEPARTMENT, Role.LEADING_GROUP})
EXHIBIT_MANAGE_ROLES = frozenset({Role.ORG_DEPARTMENT})


# --- bulletins ------------------------------------------------------------------------------------


def _office_nodes(user) -> dict[int, Org]:
    return {a.org.pk: a.org for a in queries.assignments(user) if a.role in ISSUE_ROLES}


def issuing_nodes(user) -> list[Org]:
    """Nodes whose bulletins the user may edit and issue: its own 组织部/领导小组 node having a LeadingGroup."""
    nodes = _office_nodes(user)
    if not nodes:
        return []
    with_group = set(LeadingGroup.objects.filter(org_id__in=nodes).values_list("org_id", flat=True))
    return sorted((o for pk, o in nodes.items() if pk in with_group), key=lambda o: o.path)


def can_issue(user, org: Org) -> bool:
    return org.pk in _office_nodes(user) and LeadingGroup.objects.filter(org=org).exists()


def leading_group_of(org: Org) -> LeadingGroup | None:
    return LeadingGroup.objects.filter(org=org).first()


def _distributed_to_user_q(user) -> Q:
    covered = BulletinRecipient.objects.filter(queries.org_scope_q(user, prefix="org__"), bulletin=OuterRef("pk"))
    return Q(Exists(covered))


def bulletins_for(user) -> QuerySet[Bulletin]:
    """Issued bulletins distributed to an organization the user covers (or issued in its scope), and the
    drafts of the offices the user works in."""
    issued = Q(status=BulletinStatus.ISSUED) & (
        _distributed_to_user_q(user) | queries.org_scope_q(user, prefix="issuer_org__")
    )
    drafts = Q(status=BulletinStatus.DRAFT, issuer_org_id__in=list(_office_nodes(user)))
    return Bulletin.objects.filter(issued | drafts)


def bulletin_list(user) -> QuerySet[Bulletin]:
    return bulletins_for(user).select_related("issuer_org").order_by("-issue_date", "-number", "-id")


def get_bulletin_or_404(user, pk) -> Bulletin:
    return queries.row_or_404(bulletins_for(user).select_related("issuer_org", "issued_by"), pk, "bulletin")


def can_edit_bulletin(user, bulletin: Bulletin) -> bool:
    return not bulletin.issued and can_issue(user, bulletin.issuer_org)


def candidate_stories(issuer: Org) -> QuerySet[Story]:
    """Published stories of the issuing node's subtree, newest first."""
    return (
        Story.objects.filter(status=StoryStatus.PUBLISHED, org__path__startswith=issuer.path)
        .select_related("org")
        .order_by("-published_at", "-id")
    )


def recipient_choices(issuer: Org) -> QuerySet[Org]:
    """The subordinate organizations a bulletin can be distributed to: the children of the issuing node."""
    return Org.objects.filter(path__startswith=issuer.path, depth=issuer.depth + 1, active=True).order_by("path")


def bulletin_items(bulletin: Bulletin):
    return bulletin.items.select_related("story", "story__org").order_by("order", "id")


def bulletin_recipients(bulletin: Bulletin) -> QuerySet[Org]:
    return Org.objects.filter(pk__in=bulletin.recipient_rows.values("org_id")).order_by("path")


def readers_to_notify(bulletin: Bulletin) -> list[User]:
    """Users with a role covering a distributed organization, inside the issuing node's subtree (the issuing
    node's own office excluded): one query over the recipients' ancestor paths."""
    issuer = bulletin.issuer_org
    recipients = list(bulletin_recipients(bulletin))
    paths = {p for org in recipients for p in org.ancestor_paths() if len(p) > len(issuer.path)}
    if not paths:
        return []
    users = {}
    for a in RoleAssignment.objects.filter(org__path__in=paths, org__active=True, user__is_active=True).select_related(
        "user", "org"
    ):
        if any(
            org.path.startswith(a.org.path) and (not a.sector or org.sector in ("", a.sector)) for org in recipients
        ):
            users[a.user_id] = a.user
    return list(users.values())


# --- exhibitions ----------------------------------------------------------------------------------


def can_manage_exhibition(user, org: Org) -> bool:
    return queries.covers(user, org, EXHIBIT_MANAGE_ROLES)


def exhibition_of(org: Org) -> Exhibition | None:
    return Exhibition.objects.filter(org=org).first()


def exhibition_items(exhibition: Exhibition | None):
    if exhibition is None:
        return ExhibitionItem.objects.none()
    return exhibition.items.select_related("attachment").order_by("order", "id")


def candidate_images(org: Org) -> QuerySet[Attachment]:
    """Images of the node's subtree that may be shown: attached to activity records, or covers of
    published stories. Newest first."""
    activity_type = ContentType.objects.get_for_model(ActivityRecord)
    covers = Story.objects.filter(
        status=StoryStatus.PUBLISHED, org__path__startswith=org.path, cover__isnull=False
    ).values("cover_id")
    return (
        Attachment.objects.filter(org__path__startswith=org.path, content_type__startswith="image/")
        .filter(Q(owner_type=activity_type) | Q(pk__in=covers))
        .select_related("org")
        .order_by("-uploaded_at", "-id")
    )


def public_exhibition_or_404(code: str) -> Exhibition:
    rows = Exhibition.objects.filter(public=True, org__code=code, org__active=True).select_related("org")
    return queries.first_or_404(rows, "public exhibition")


def public_item_or_404(code: str, pk) -> ExhibitionItem:
    """A photo of a public exhibition (the only way its file is served without login)."""
    rows = ExhibitionItem.objects.filter(
        exhibition__public=True, exhibition__org__code=code, exhibition__org__active=True
    ).select_related("attachment")
    found = queries.row_or_404(rows, pk, "photo")
    if not found.attachment.is_image:
        raise Http404("no such photo")
    return found
