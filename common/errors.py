"""One error vocabulary: what a service refuses, and how a view shows the refusal.

Services raise ``DomainError`` (a ``ValidationError``, so callers that catch ``ValidationError`` keep working):
the field(s) the refusal is about, a Chinese message written for the user, and a *kind*:

- ``invalid``   — a rule of the field is broken: the message goes to the field, the form is shown again (200);
- ``stale``     — somebody changed the record since the user loaded it: the form is shown again with what he
  typed, answer 409, nothing written;
- ``forbidden`` — the user may not do this: the 403 page;
- ``not_found`` — the object is not there (or not in his scope): the 404 page.

Views do not catch these by hand. A form view uses ``RefusalMixin`` (leftmost base): a ``ValidationError``
raised while a POST is handled puts its messages at the form's fields — or, when the field is not on the form,
on the form's non-field errors with the field named in words ("结束日期：…") — and answers with the kind's
status. A POST that has no form to show (a button on a detail page) gets the message as a flash message and a
redirect to ``get_refusal_url()``. Function views use ``@refusals(redirect_to)``. An exception's own text is
never shown: only the messages the service wrote.
"""

from __future__ import annotations

import functools

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, FieldDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

INVALID = "invalid"
STALE = "stale"
FORBIDDEN = "forbidden"
NOT_FOUND = "not_found"
STATUS = {INVALID: 200, STALE: 409, FORBIDDEN: 403, NOT_FOUND: 404}

STALE_MESSAGE = gettext_lazy(
    "该记录已被他人修改，您看到的不是最新内容。请刷新页面查看最新内容后再操作，本次操作未保存。"
)


class DomainError(ValidationError):
    """A service's refusal: ``DomainError(message, field="end", kind=INVALID)``.

    ``message`` may also be a dict ``{field: message}`` (several fields at once) or a list. A refusal about no
    particular field (a state of the record: "已公示，不能再修改") leaves ``field`` out."""

    kind = INVALID

    def __init__(self, message=None, *, field: str | None = None, kind: str | None = None, code=None, params=None):
        if kind is not None:
            self.kind = kind
        if message is None:
            message = STALE_MESSAGE if self.kind == STALE else _("操作未能完成，本次操作未保存")
        if field is not None and not isinstance(message, dict):
            message = {field: [ValidationError(message, code=code or self.kind, params=params)]}
            code = params = None
        super().__init__(
            message, code=code or (None if isinstance(message, (dict, list)) else self.kind), params=params
        )


class StaleEdit(DomainError):
    """The record changed since the user loaded it: nothing written, answer 409."""

    kind = STALE


def kind_of(error: Exception) -> str:
    return getattr(error, "kind", INVALID) if isinstance(error, ValidationError) else INVALID


def status_of(error: Exception, invalid: int = 200) -> int:
    kind = kind_of(error)
    return invalid if kind == INVALID else STATUS[kind]


def by_field(error: ValidationError) -> dict[str | None, list[str]]:
    """The refusal's messages by field (None: about no field)."""
    if hasattr(error, "error_dict"):
        return {
            (None if field == NON_FIELD_ERRORS else field): ValidationError(errors).messages
            for field, errors in error.error_dict.items()
        }
    return {None: error.messages}


# The apps whose models' fields a refusal may name (a field name that is unique to one label across them is
# named by that label even when the view did not say which model the refusal is about).
PROJECT_APPS = ("orgs", "campaign", "evaluations", "awards", "dashboards", "masswork", "accountability", "common")


@functools.cache
def _unique_labels() -> dict[str, str]:
    from django.apps import apps

    seen: dict[str, set[str]] = {}
    for model in apps.get_models():
        if model._meta.app_label not in PROJECT_APPS:
            continue
        for field in model._meta.get_fields():
            if not field.auto_created and getattr(field, "verbose_name", None):
                seen.setdefault(field.name, set()).add(str(field.verbose_name))
    return {name: next(iter(found)) for name, found in seen.items() if len(found) == 1}


def _model_label(model, field: str) -> str | None:
    try:
        label = model._meta.get_field(field).verbose_name
    except FieldDoesNotExist:
        return None
    return str(label) if label and label != field.replace("_", " ") else None


def field_label(field: str, *, form=None, labels=None, model=None) -> str | None:
    """How the user knows ``field``: the view's ``labels``, the form's field label, the form's or the view's
    model's verbose name, else the one verbose name the project's models give a field of that name (None when
    there is none or several: the message stands alone, and says itself what it is about)."""
    if labels and field in labels:
        return str(labels[field])
    if form is not None and field in getattr(form, "fields", {}) and form.fields[field].label:
        return str(form.fields[field].label)
    for owner in (getattr(getattr(form, "_meta", None), "model", None), model):
        if owner is not None and (label := _model_label(owner, field)):
            return label
    return _unique_labels().get(field)


def _named(label: str | None, text: str) -> str:
    return _("%(field)s：%(message)s") % {"field": label, "message": text} if label else text


def refusal_lines(error: ValidationError, labels: dict | None = None, *, model=None) -> list[str]:
    """The refusal's messages; a message about a field starts with the field's name ("结束日期：…"), found in
    ``labels``, on ``model`` (the record the page is about) or by the field's name (see ``field_label``)."""
    return [
        _named(field_label(f, labels=labels, model=model) if f else None, t)
        for f, ts in by_field(error).items()
        for t in ts
    ]


def refusal_text(error: ValidationError, labels: dict | None = None, *, model=None) -> str:
    """The refusal as one line for a flash message."""
    return "；".join(refusal_lines(error, labels, model=model))


def add_to_form(form, error: ValidationError, *, labels: dict | None = None, fields: dict | None = None) -> None:
    """Put a service's refusal on the form: at the field it names (``fields`` maps a service's field name to the
    form's), else on the form's non-field errors with the field named in words."""
    for field, texts in by_field(error).items():
        name = (fields or {}).get(field, field)
        if name in form.fields:
            form.add_error(name, texts)
        else:
            label = field_label(field, form=form, labels=labels) if field else None
            form.add_error(None, [_named(label, t) for t in texts])


def form_error_text(form) -> str:
    """A bound form's errors as one line for a flash message, each field named by its label ("意见：…")."""
    lines = []
    for name, texts in form.errors.items():
        field = form.fields.get(name)
        label = str(field.label) if field is not None and field.label else None
        lines += [_named(label, t) for t in texts]
    return "；".join(lines)


def _raise_page(error: ValidationError) -> None:
    kind = kind_of(error)
    if kind == FORBIDDEN:
        raise PermissionDenied from error
    if kind == NOT_FOUND:
        raise Http404 from error


def refused_page(request, error: ValidationError, back: str, labels: dict | None = None, *, model=None):
    """A refusal with no form to show it on: a stale edit answers the 409 page (with a link to the record as it is
    now); any other refusal comes back as a flash message on the page ``back``."""
    text = refusal_text(error, labels, model=model)
    if kind_of(error) == STALE:
        return render(request, "409.html", {"message": text, "back": back}, status=409)
    messages.error(request, text)
    return redirect(back)


class RefusalMixin:
    """Leftmost base of a view that calls services while handling a POST (see the module's docstring).

    ``refusal_labels``: how the user knows the fields a service names that are not on the form;
    ``refusal_fields``: a service's field name → the form's field name; ``refusal_model``: the model whose
    verbose names label a refusal with no form (default: the view's model or record); ``refusal_status``: the
    answer to an ``invalid`` refusal shown on the form; ``get_refusal_url()``: where a refusal with no form goes."""

    refusal_labels: dict = {}
    refusal_fields: dict = {}
    refusal_status = 200
    refusal_url = None
    refusal_model = None
    refusal_form_key = "form"
    refusal_stale_status = 409

    def dispatch(self, request, *args, **kwargs):
        return self.with_refusals(super().dispatch, request, *args, **kwargs)

    def with_refusals(self, dispatch, request, *args, **kwargs):
        """``dispatch(request, …)`` with refusals handled (a view whose ``dispatch`` skips its parents' calls this
        with the one it calls)."""
        if request.method != "POST":
            return dispatch(request, *args, **kwargs)
        if hasattr(self, "get_form"):  # remember the bound form, whichever class builds it
            build = self.get_form

            def get_form(*args, **kwargs):
                self.refusal_form = build(*args, **kwargs)
                return self.refusal_form

            self.get_form = get_form
        try:
            return dispatch(request, *args, **kwargs)
        except ValidationError as error:
            _raise_page(error)
            return self.refused(error)

    def refused(self, error: ValidationError):
        form = getattr(self, "refusal_form", None)
        if form is not None and form.is_bound:
            add_to_form(form, error, labels=self.refusal_labels, fields=self.refusal_fields)
            return self.refused_form(form, error)
        return refused_page(
            self.request, error, self.get_refusal_url(), self.refusal_labels, model=self.get_refusal_model()
        )

    def refusal_message(self, error: ValidationError) -> str:
        """The refusal as one line, each field named (for a view that shows it on its own page)."""
        return refusal_text(error, self.refusal_labels, model=self.get_refusal_model())

    def get_refusal_model(self):
        """The model whose fields a refusal with no form names: ``refusal_model``, else the view's ``model``, else
        the class of the record the view is about (``self.object``)."""
        if self.refusal_model is not None:
            return self.refusal_model
        if getattr(self, "model", None) is not None:
            return self.model
        obj = getattr(self, "object", None)
        return type(obj) if hasattr(obj, "_meta") else None

    def refused_form(self, form, error: ValidationError):
        """The form again, its errors added; the status says the kind (409 for a stale edit)."""
        response = self.form_invalid(form) if hasattr(self, "form_invalid") else self.render_refused(form)
        response.status_code = (
            self.refusal_stale_status if kind_of(error) == STALE else status_of(error, self.refusal_status)
        )
        return response

    def render_refused(self, form):
        """A view that builds its form by hand sets ``self.refusal_form`` (and ``refusal_form_key``, the context
        name of the form; ``self.refusal_context``, what else the page shows again)."""
        context = {**getattr(self, "refusal_context", {}), self.refusal_form_key: form}
        return self.render_to_response(self.get_context_data(**context))

    def get_refusal_url(self) -> str:
        """``refusal_url``, else the one a base further right gives (this mixin stands leftmost), else the page."""
        if self.refusal_url:
            return self.refusal_url
        further = getattr(super(), "get_refusal_url", None)
        if further is not None:
            return further()
        return self.request.get_full_path()


def refusals(redirect_to, labels: dict | None = None, *, model=None):
    """For a function view: a refusal becomes a flash message naming the field and a redirect to
    ``redirect_to(request, *args, **kwargs)`` (or the URL itself); stale/forbidden/not-found as their pages.
    ``model``: the record the view acts on, whose verbose names label the fields (see ``field_label``)."""

    def wrap(view):
        @functools.wraps(view)
        def wrapped(request, *args, **kwargs):
            try:
                return view(request, *args, **kwargs)
            except ValidationError as error:
                _raise_page(error)
                back = redirect_to(request, *args, **kwargs) if callable(redirect_to) else redirect_to
                return refused_page(request, error, back, labels, model=model)

        return wrapped

    return wrap


def refusal_of(check, *args, labels: dict | None = None, **kwargs) -> str:
    """What ``check(*args, **kwargs)`` would refuse, as the text a page shows beforehand ("" when it passes)."""
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        return refusal_text(error, labels)
    return ""


def run_on_form(form, call, *, labels: dict | None = None, fields: dict | None = None):
    """``call()``; a refusal lands on ``form`` (see ``add_to_form``; ``fields``: a service's field name → the
    form's) and None is returned — for a view that shows several forms or steps and decides itself what to render
    (forbidden / not found still answer their pages)."""
    try:
        return call()
    except ValidationError as error:
        _raise_page(error)
        add_to_form(form, error, labels=labels, fields=fields)
        return None
