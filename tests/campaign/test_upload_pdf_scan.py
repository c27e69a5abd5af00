"""Uploaded PDFs that would act when opened (JavaScript, launch actions, embedded files) are refused
with a clear message; ordinary PDFs pass; a damaged PDF is refused as damaged."""

import io

import pikepdf
import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile

from campaign.uploads import check_upload
from tests.factories.campaign_activities import pdf_bytes


def _pdf(mutate) -> bytes:
    pdf = pikepdf.open(io.BytesIO(pdf_bytes("事迹材料")))
    mutate(pdf)
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def _open_action_js(pdf):
    pdf.Root.OpenAction = pdf.make_indirect(
        pikepdf.Dictionary(Type=pikepdf.Name.Action, S=pikepdf.Name.JavaScript, JS=pikepdf.String("app.alert(1)"))
    )


def _launch(pdf):
    pdf.Root.OpenAction = pikepdf.Dictionary(S=pikepdf.Name.Launch, F=pikepdf.String("cmd.exe"))


def _embedded_file(pdf):
    pdf.attachments["payload.exe"] = pikepdf.AttachedFileSpec(pdf, b"MZ\x90\x00", filename="payload.exe")


def _named_javascript(pdf):
    action = pdf.make_indirect(pikepdf.Dictionary(S=pikepdf.Name.JavaScript, JS=pikepdf.String("this.print()")))
    pdf.Root.Names = pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[pikepdf.String("a"), action]))


@pytest.mark.parametrize("mutate", [_open_action_js, _launch, _embedded_file, _named_javascript])
def test_active_pdf_is_refused(mutate):
    upload = SimpleUploadedFile("事迹.pdf", _pdf(mutate), content_type="application/pdf")
    with pytest.raises(forms.ValidationError) as caught:
        check_upload(upload)
    assert caught.value.messages == [
        "PDF 文件“事迹.pdf”含有脚本、启动程序或嵌入文件，不能上传；请另存为普通 PDF 后再上传"
    ]


def test_plain_pdf_passes_and_is_left_readable():
    upload = SimpleUploadedFile("事迹.pdf", pdf_bytes("事迹材料"), content_type="application/pdf")
    assert check_upload(upload) == ("application/pdf", ".pdf")
    assert upload.read(5) == b"%PDF-"


def test_damaged_pdf_is_refused_as_damaged():
    upload = SimpleUploadedFile("坏.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    with pytest.raises(forms.ValidationError) as caught:
        check_upload(upload)
    assert caught.value.messages == ["PDF 文件“坏.pdf”已损坏，无法打开"]
