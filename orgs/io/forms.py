import uuid

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from ..models import ImportJob
from .reader import file_format, is_xlsx


class ImportUploadForm(forms.Form):
    """What to import and the file. The file's content is checked by the dry run (a Celery task)."""

    kind = forms.ChoiceField(label=_("导入类型"), choices=ImportJob.Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("文件"),
        help_text=_("Excel（.xlsx）或 CSV（UTF-8 或 GB18030 编码）文件，表头须与模板完全一致。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        limit = settings.IMPORT_MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("文件过大（%(size)s），最大允许 %(limit)s。请拆分后分批导入。"),
                params={"size": filesizeformat(upload.size), "limit": filesizeformat(limit)},
            )
        fmt = file_format(upload.name)
        if fmt is None:
            raise forms.ValidationError(_("只能导入 .xlsx 或 .csv 文件（旧版 .xls 请在 Excel 中另存为 .xlsx）。"))
        if fmt == "xlsx" and not is_xlsx(upload):
            raise forms.ValidationError(_("文件已损坏或不是有效的 Excel（.xlsx）文件，无法读取。"))
        return upload

    def stored_name(self):
        """A random name on disk (the original name is kept on the job, never used as a path)."""
        return f"{uuid.uuid4().hex}.{file_format(self.cleaned_data['file'].name)}"
