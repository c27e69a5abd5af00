"""The codes by which the demo finds what it built (and nothing else) when it runs again."""

from orgs.demo.shapes import DEMO_BRANCH, DEMO_CITY, DEMO_COUNTY

PROVINCE = "130000"
CITY = DEMO_CITY
COUNTY = DEMO_COUNTY
BRANCH = DEMO_BRANCH

CAMPAIGN = "cxzy-demo"
CAMPAIGN_NAME = "创先争优活动（演示）"
PERIOD = "cxzy-demo-period"
PERIOD_NAME = "创先争优考核评议（演示）"
# The province's round open for nominations, and the county's round in 公示.
NOMINATION_ROUND = "demo-qiyi"
PUBLICITY_ROUND = "demo-zhengding"
ROUNDS = (NOMINATION_ROUND, PUBLICITY_ROUND)
MASS_BATCH_TITLE = "塔元庄村党支部党员群众评议（演示）"

# Accounts the demo acts as (created by ``load_demo``).
PROVINCE_DEPARTMENT = "sheng_zzb"
CITY_DEPARTMENT = "shijiazhuang_zzb"
COUNTY_DEPARTMENT = "zhengding_zzb"
SECRETARY = "shuji"
MEMBER = "dangyuan"
# The 党建工作指导员 the county's 组织部 assigns to the demo branch and two of its neighbours (``demo.people``).
INSTRUCTOR = "zhidaoyuan"
