"""The spider's politeness defaults: a User-Agent naming the project and a contact URL (a setting)."""

import os
import subprocess
import sys

from scrapy.utils.test import get_crawler

from crawler.spiders.gov_reports import GovReportsSpider


def _spider(**settings):
    crawler = get_crawler(GovReportsSpider, settings_dict={"SPIDER_MODULES": ["crawler.spiders"], **settings})
    return GovReportsSpider.from_crawler(crawler, start_url="http://127.0.0.1:9/")


def test_user_agent_names_the_project_and_the_contact_url_setting():
    # Set as the USER_AGENT setting (the spider attribute is deprecated in Scrapy and warns).
    agent = _spider(GOV_REPORTS_CONTACT_URL="https://example.org/contact").settings["USER_AGENT"]
    assert agent.startswith("gov-reports/")
    assert "(+https://example.org/contact; archive of information-disclosure annual reports)" in agent


def test_an_explicit_user_agent_setting_wins():
    spider = _spider(USER_AGENT="my-bot/1.0")
    assert spider.settings["USER_AGENT"] == "my-bot/1.0"
    assert not hasattr(spider, "user_agent")


def test_scope_is_the_start_urls_host():
    spider = _spider()
    assert spider.allowed_domains == ["127.0.0.1"]
    assert [s.name for s in spider.sources] == ["127.0.0.1"]


def test_reader_limits_come_from_the_crawl_settings():
    from scrapy.settings import Settings

    from archive.readers import ReadLimits
    from crawler import settings as project_settings
    from crawler.limits import read_limits

    settings = Settings()
    settings.setmodule(project_settings)
    assert read_limits(settings) == ReadLimits(pdf_pages=500, sheet_cells=200_000, doc_chars=5_000_000, cell_span=200)
    settings.set("GOV_REPORTS_PDF_MAX_PAGES", "3", priority="cmdline")
    assert read_limits(settings).pdf_pages == 3


def _crawl_modules(environment: dict[str, str]) -> list[str]:
    """The scheduler a crawl process's settings name once its add-ons ran, and whether loading the
    spider, its add-ons and its extensions imported scrapy-redis and redis (Scrapy loads the
    scheduler itself by that name, and only a shared crawl names the Redis one)."""
    code = ("import sys; from scrapy.utils.project import get_project_settings; "
            "from scrapy.utils.misc import load_object; import crawler.spiders.gov_reports; "
            "settings = get_project_settings(); "
            "[load_object(path)().update_settings(settings) for path in settings.getdict('ADDONS')]; "
            "[load_object(path) for path in settings.getdict('EXTENSIONS')]; "
            "print(settings['SCHEDULER']); print('scrapy_redis' in sys.modules, 'redis' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60,
                          env={**environment, "SCRAPY_SETTINGS_MODULE": "crawler.settings"})
    return done.stdout.split("\n")[:2]


def test_a_crawl_that_shares_nothing_never_imports_redis_and_a_shared_one_gets_its_scheduler():
    plain = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    assert _crawl_modules(plain) == ["crawler.frontier.BudgetScheduler", "False False"]
    assert _crawl_modules({**plain, "REDIS_URL": "redis://127.0.0.1:9"}) == [
        "crawler.shared_scheduler.SharedBudgetScheduler", "False False"]
