"""Upload checking: images and PDF only, by their bytes, within a size limit.

The browser's content type and the file name are not trusted: a renamed executable is refused.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

# (content type, extension, magic prefix, offset of an extra marker or None)
SIGNATURES = [
    ("image/jpeg", ".jpg", b"\xff\xd8\xff"),
    ("image/png", ".png", b"\x89PNG\r\n\x1a\n"),
    ("image/gif", ".gif", b"GIF87a"),
    ("image/gif", ".gif", b"GIF89a"),
    ("application/pdf", ".pdf", b"%PDF-"),
]
EXTENSIONS = {
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
}


def max_bytes() -> int:
    return getattr(settings, "ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)


def sniff(head: bytes) -> tuple[str, str] | None:
    """(content type, extension) from the first bytes, or None when not an allowed type."""
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp", ".webp"
    for content_type, extension, magic in SIGNATURES:
        if head.startswith(magic):
            return content_type, extension
    return None


def check_upload(upload, *, allowed=("image/", "application/pdf")) -> tuple[str, str]:
    """Validate an UploadedFile; returns (content type, extension) or raises a Chinese ValidationError."""
    limit = max_bytes()
    if upload.size > limit:
        raise forms.ValidationError(
            _("文件“%(name)s”超过 %(mb)s MB 的大小限制"), params={"name": upload.name, "mb": limit // (1024 * 1024)}
        )
    if upload.size == 0:
        raise forms.ValidationError(_("文件“%(name)s”是空文件"), params={"name": upload.name})
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    found = sniff(head)
    if found is None or not any(found[0].startswith(prefix) for prefix in allowed):
        raise forms.ValidationError(
            _("文件“%(name)s”不是允许的类型：只能上传图片（JPG、PNG、GIF、WebP）或 PDF"),
            params={"name": upload.name},
            code="type",
        )
    content_type, extension = found
    if content_type == "application/pdf":
        refuse_active_pdf(upload)
    if content_type.startswith("image/"):
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(upload) as image:
                image.verify()
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
            raise forms.ValidationError(_("图片“%(name)s”已损坏，无法打开"), params={"name": upload.name}) from None
        finally:
            upload.seek(0)
    return content_type, extension


# What makes a PDF do something when opened rather than show something: scripts, launched programs,
# files carried inside it, forms that submit or import data.
_ACTIVE_KEYS = {"/JS", "/JavaScript", "/EmbeddedFile", "/EmbeddedFiles", "/Launch", "/RichMedia", "/XFA"}
_ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE", "/RichMediaExecute"}


def _walk(objects, pikepdf):
    """Every dictionary of the file: each indirect object and the direct ones nested in it."""
    stack = list(objects)
    while stack:
        obj = stack.pop()
        if isinstance(obj, pikepdf.Stream):
            obj = obj.stream_dict
        if isinstance(obj, pikepdf.Dictionary):
            yield obj
            stack.extend(_nested(obj.values(), pikepdf))
        elif isinstance(obj, pikepdf.Array):
            stack.extend(_nested(obj, pikepdf))


def _nested(values, pikepdf):
    """Direct containers only: indirect objects are walked on their own, scalars hold nothing."""
    containers = pikepdf.Dictionary | pikepdf.Array | pikepdf.Stream
    return [value for value in values if isinstance(value, containers) and not value.is_indirect]


def _is_active(obj, pikepdf) -> bool:
    action = obj.get("/S")
    return bool(set(obj.keys()) & _ACTIVE_KEYS) or (isinstance(action, pikepdf.Name) and str(action) in _ACTIVE_ACTIONS)


def refuse_active_pdf(upload) -> None:
    """Refuse a PDF that carries JavaScript, launch actions or embedded files (pikepdf reads every object)."""
    import pikepdf

    upload.seek(0)
    try:
        with pikepdf.open(upload) as pdf:
            if any(_is_active(obj, pikepdf) for obj in _walk(pdf.objects, pikepdf)):
                raise forms.ValidationError(
                    _("PDF 文件“%(name)s”含有脚本、启动程序或嵌入文件，不能上传；请另存为普通 PDF 后再上传"),
                    params={"name": upload.name},
                )
    except pikepdf.PdfError:
        raise forms.ValidationError(_("PDF 文件“%(name)s”已损坏，无法打开"), params={"name": upload.name}) from None
    finally:
        upload.seek(0)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class AttachmentsField(forms.FileField):
    """Several files at once, each checked by ``check_upload``."""

    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", _("附件（图片或 PDF）"))
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", "image/jpeg,image/png,image/gif,image/webp,application/pdf")

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        cleaned = [single(f, initial) for f in files]
        for f in cleaned:
            check_upload(f)
        return cleaned
