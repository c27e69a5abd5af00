"""The OpenAPI document (drf-spectacular): every operation also documents its problem answers
(application/problem+json), and the token security scheme is named in Chinese."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema

PROBLEMS = {
    "400": gettext_lazy("请求数据有误（字段错误逐个列出）"),
    "401": gettext_lazy("未认证：缺少、无效、已撤销或已过期的令牌"),
    "403": gettext_lazy("无权操作：您的角色不能使用此接口或操作此对象"),
    "404": gettext_lazy("未找到：对象不存在，或不在您的管理范围内"),
    "406": gettext_lazy("无法提供所要求的格式"),
    "429": gettext_lazy("请求过于频繁"),
}
WRITE_PROBLEMS = {
    "409": gettext_lazy("与当前状态冲突：记录已被他人修改，或状态不允许此操作"),
    "415": gettext_lazy("不支持的内容类型：请求体应为 application/json"),
}


class PortalAutoSchema(AutoSchema):
    pass


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "令牌"  # i18n: data (the scheme's key in the schema)

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": _("个人 API 令牌：在“个人API令牌”页面创建，只显示一次。请求头 Authorization: Bearer <令牌>"),
        }


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.PortalSessionAuthentication"
    name = "会话"  # i18n: data (the scheme's key in the schema)

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "cookie",
            "name": "sessionid",
            "description": _("浏览器登录会话；写操作须带 CSRF 令牌（X-CSRFToken 请求头）"),
        }


PATH_LABELS = {
    # (path prefix, parameter): label; the first prefix that matches wins
    ("/api/v1/campaigns/", "code"): gettext_lazy("活动代码"),
    ("/api/v1/award-rounds/", "code"): gettext_lazy("表彰轮次代码"),
    ("/api/v1/periods/", "code"): gettext_lazy("考核期间代码"),
    ("/api/v1/members/", "pk"): gettext_lazy("党员编号"),
    ("/api/v1/plans/", "pk"): gettext_lazy("实施方案编号"),
    ("/api/v1/milestones/", "pk"): gettext_lazy("节点任务编号"),
    ("/api/v1/assessments/", "pk"): gettext_lazy("评价编号（评价党员时为党员编号）"),
    ("/api/v1/nominations/", "pk"): gettext_lazy("推荐编号"),
    ("/api/v1/imports/", "pk"): gettext_lazy("导入任务编号"),
}


def path_parameter_label(path: str, name: str) -> str:
    if "/member/{pk}/" in path:
        return _("党员编号")
    for (prefix, parameter), label in PATH_LABELS.items():
        if parameter == name and path.startswith(prefix):
            return label
    return _("组织编码") if name == "code" else _("编号")


def add_problem_responses(result, generator, request, public):
    """Add the Problem component and the problem answers to every operation."""
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = {
        "type": "object",
        "description": _("RFC 9457 问题详情"),
        "required": ["type", "title", "status", "detail", "instance"],
        "properties": {
            "type": {"type": "string", "description": _("问题类型（URI 引用）")},
            "title": {"type": "string", "description": _("问题标题（中文）")},
            "status": {"type": "integer", "description": _("HTTP 状态码")},
            "detail": {"type": "string", "description": _("问题说明（中文）")},
            "instance": {"type": "string", "description": _("出错的请求地址")},
            "errors": {
                "type": "array",
                "description": _("逐个字段的错误"),
                "items": {
                    "type": "object",
                    "required": ["field", "detail", "code"],
                    "properties": {
                        "field": {
                            "type": "string",
                            "nullable": True,
                            "description": _("出错的字段或查询参数；null 表示整个请求"),
                        },
                        "detail": {"type": "string", "description": _("错误说明（中文）")},
                        "code": {"type": "string", "description": _("错误代码")},
                    },
                },
            },
        },
    }
    for path, path_item in result.get("paths", {}).items():
        for method, operation in path_item.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and not parameter.get("description"):
                    parameter["description"] = path_parameter_label(path, parameter["name"])
            for answer in operation["responses"].values():
                if not answer.get("description"):
                    answer["description"] = _("成功")
            extra = dict(PROBLEMS)
            if method in ("post", "put", "patch", "delete"):
                extra.update(WRITE_PROBLEMS)
            for status, description in extra.items():
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                    },
                )
    return result
