"""Fields and form pieces every app's forms use: calendar dates, the organization picker (scoped to the user),
choices by name, and the 选择组织 step."""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .. import queries
from ..enums import OrgLevel
from ..models import Member, Org
from ..validators import DATE_RE, nonexistent_date

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDateField(forms.DateField):
    """A date field that names a typed day no calendar has ("1999-02-30 不是有效日期") instead of the
    generic "enter a valid date", as the importer does."""

    def to_python(self, value):
        try:
            return super().to_python(value)
        except forms.ValidationError:
            text = value.strip() if isinstance(value, str) else ""
            if DATE_RE.match(text):
                raise forms.ValidationError(nonexistent_date(text), code="invalid") from None
            raise


class OrgCodeField(forms.CharField):
    """An organization typed as its code (there are 170,000: no select box). A form that lets the user
    find it by name, pinyin initials or the tree uses ``OrgPickerField`` (below) instead."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)


NOT_VISIBLE = _("找不到编码为“%(code)s”的组织，或它不在您的管理范围内")


def visible_org_or_error(user, code) -> Org:
    """The organization with ``code`` that ``user`` can see, or one Chinese error that does not say which.

    ``code`` may be an ``Org`` already (an ``OrgPickerField`` resolved it): checked without a query.
    """
    if isinstance(code, Org):
        if queries.covers(user, code):
            return code
        code = code.code
    code = (code or "").strip()
    org = queries.orgs_for(user).filter(code=code).first()
    if org is None:
        raise forms.ValidationError(NOT_VISIBLE, params={"code": code})
    return org


def clean_org_code(user, code, *, roles, basic_only=False):
    """The organization with ``code`` that ``user`` may act on, or a ValidationError in Chinese."""
    org = visible_org_or_error(user, code)
    if not queries.covers(user, org, roles):
        raise forms.ValidationError(_("您无权管理组织“%(name)s”"), params={"name": org.name})
    if basic_only and not org.is_basic:
        raise forms.ValidationError(_("“%(name)s”不是基层党组织，党员只能编入基层党组织"), params={"name": org.name})
    return org


class OrgPickerWidget(forms.TextInput):
    """A text input for an organization code; static/js/org-picker.js makes it an ARIA combobox whose
    popup is a tree: search results (by name, code or pinyin initials) and their children, fetched with
    htmx from ``orgs:picker``. Without JavaScript it stays a plain input for the code.

    ``user``, ``roles`` and ``levels`` come from the ``OrgPickerField``.
    """

    template_name = "orgs/widgets/org_picker.html"

    def __init__(self, attrs=None):
        defaults = {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        super().__init__({**defaults, **(attrs or {})})
        self.user = None
        self.roles = None
        self.levels = None

    def format_value(self, value):
        return super().format_value(value.code if isinstance(value, Org) else value)

    def picker_url(self) -> str:
        params = {}
        if self.roles:
            params["roles"] = ",".join(sorted(self.roles))
        if self.levels:
            params["levels"] = ",".join(sorted(self.levels))
        return reverse("orgs:picker") + ("?" + urlencode(params) if params else "")

    def chosen(self, code):
        """The organization ``code`` names, if the user may pick it, with its trail; else None."""
        if not code or self.user is None or len(code) > 32 or "\x00" in code:
            return None
        org = queries.orgs_for(self.user, roles=self.roles).filter(code=code.strip()).first()
        return queries.with_trails(self.user, [org])[0] if org else None

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        base = widget["attrs"].get("id") or f"id_{name}"
        described = widget["attrs"].get("aria-describedby", "")
        widget["attrs"].update(
            {
                "id": base,
                "class": " ".join(filter(None, [widget["attrs"].get("class", ""), "org-picker-input"])),
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-haspopup": "tree",
                "aria-expanded": "false",
                "aria-controls": f"{base}-tree",
                "aria-describedby": " ".join(filter(None, [described, f"{base}-chosen"])),
            }
        )
        widget["picker"] = {"id": base, "url": self.picker_url(), "chosen": self.chosen(widget["value"])}
        return context


class OrgPickerField(forms.CharField):
    """An organization picked by code, name or pinyin initials in the user's scope; cleans to the ``Org``.

    ``OrgPickerField(user=…, roles=…, levels=…)``: ``roles`` limits the choice to organizations the user
    may act on with those roles (``orgs.queries.orgs_for``), ``levels`` to those levels (``OrgLevel``
    values). Declared on a form class, the field takes the acting user from the form's ``by`` (or else
    ``user``) attribute when it is bound: the one who picks, never an account the form edits. The
    submitted value is the code, so a typed code works without JavaScript. Error messages:
    ``not_found`` and ``level`` (params ``name``, ``code``, ``levels``).
    """

    widget = OrgPickerWidget
    default_error_messages = {
        "not_found": _("未找到该组织，或不在您的管理范围内"),
        "level": _("不能选择“%(name)s”，请选择%(levels)s"),
    }

    def __init__(self, *, user=None, roles=None, levels=None, **kwargs):
        kwargs.setdefault("max_length", 32)
        super().__init__(**kwargs)
        self.user = user
        self.roles = frozenset(roles) if roles is not None else None
        self.levels = frozenset(levels) if levels else None
        self._sync_widget()

    def _sync_widget(self):
        self.widget.user, self.widget.roles, self.widget.levels = self.user, self.roles, self.levels

    def get_bound_field(self, form, field_name):
        if self.user is None:
            self.user = getattr(form, "by", None) or getattr(form, "user", None)
        self._sync_widget()
        return super().get_bound_field(form, field_name)

    def prepare_value(self, value):
        return value.code if isinstance(value, Org) else value

    def to_python(self, value):
        return super().to_python(value.code if isinstance(value, Org) else value)

    def clean(self, value):
        code = super().clean(value)
        if code in self.empty_values:
            return None
        if self.user is None:
            raise ImproperlyConfigured("OrgPickerField needs user= or a form with a user (or by) attribute")
        org = queries.orgs_for(self.user, roles=self.roles).filter(code=code).first()
        if org is None:
            raise forms.ValidationError(self.error_messages["not_found"], code="not_found", params={"code": code})
        if self.levels and org.level not in self.levels:
            labels = "、".join(str(label) for value, label in OrgLevel.choices if value in self.levels)
            params = {"name": org.name, "code": org.code, "levels": labels}
            raise forms.ValidationError(self.error_messages["level"], code="level", params=params)
        return org


class OrgFilterMixin:
    """A list filter (a GET form) whose organization fields are ``OrgCodeField(widget=OrgPickerWidget)``:
    the user finds the node by name, pinyin initials or the tree, the query string stays ``?org=<code>``
    and the field still cleans to the typed code, so the view keeps its own scope check and its own
    message (or 404) for a code outside the scope. ``user`` and ``roles`` (the view's reading roles)
    scope the picker's popup and the "已选择" line."""

    def __init__(self, *args, user=None, roles=None, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, OrgPickerWidget):
                field.widget.user = user
                field.widget.roles = frozenset(roles) if roles is not None else None


def filter_org(user, form, roles) -> tuple:
    """(org or None, ok): the organization code typed in a list's ``OrgFilterMixin`` form, within ``roles``' scope;
    a code outside it puts its message at the form's ``org`` field (ok False: the list shows nothing)."""
    code = (form.cleaned_data.get("org") or "").strip() if form.is_valid() else ""
    if not code:
        return None, True
    org = queries.orgs_for(user, roles=roles).filter(code=code).first()
    if org is None:
        form.add_error("org", _("找不到编码为“%(code)s”的组织，或它不在您的范围内") % {"code": code})
        return None, False
    return org, True


def within_filter_org(rows, user, form, roles, *, path: str = "org__path"):
    """``rows`` narrowed to the subtree of the organization typed in a list's filter form (``path``: the rows'
    path field): all of them when the form is unbound or names none; none, with the message at the form's
    ``org`` field, for a code outside ``roles``' scope (``filter_org``)."""
    if not form.is_bound:
        return rows
    org, ok = filter_org(user, form, roles)
    if not ok:
        return rows.none()
    return rows if org is None else rows.filter(**{f"{path}__startswith": org.path})


BASIC_ONLY = {"level": _("“%(name)s”不是基层党组织，党员只能编入基层党组织")}


class NameChoiceField(forms.ModelChoiceField):
    """A choice of one member or organization, shown by its name."""

    def label_from_instance(self, obj):
        return obj.name


class NamesChoiceField(forms.ModelMultipleChoiceField):
    """A choice of several members or organizations, shown by their names."""

    def label_from_instance(self, obj):
        return obj.name


def member_checkboxes(label, help_text) -> NamesChoiceField:
    """Members of one organization ticked in a list, none required; the form sets the queryset once it knows the
    organization."""
    return NamesChoiceField(
        label=label,
        queryset=Member.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=help_text,
    )


class MemberPostChoiceField(forms.ModelChoiceField):
    """A choice of one member, shown with his post: 王建国（村党支部书记）."""

    def label_from_instance(self, obj):
        return f"{obj.name}（{obj.post}）" if obj.post else obj.name


class ChooseOrgForm(forms.Form):
    """Which organization a new record belongs to (by code, name or pinyin: there are 170,000), among those the
    user holds one of ``roles`` on; ``basic_only``: a basic-level organization (基层党组织)."""

    org = OrgPickerField(label=_("组织编码"), error_messages={"not_found": NOT_VISIBLE, **BASIC_ONLY})

    def __init__(self, *args, user, roles, basic_only=False, **kwargs):
        self.user = user
        self.roles = roles
        self.basic_only = basic_only
        super().__init__(*args, **kwargs)
        self.fields["org"].roles = frozenset(roles)
        if basic_only:
            self.fields["org"].label = _("基层党组织编码")
            self.fields["org"].levels = frozenset({OrgLevel.BASIC})

    def clean_org(self):
        return clean_org_code(self.user, self.cleaned_data["org"], roles=self.roles, basic_only=self.basic_only)
