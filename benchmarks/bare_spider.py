"""Baseline for bench_crawl.py: a bare Scrapy spider following every link of the same portal, with
no archive, no parsing and no middlewares of ours (same politeness-off settings)."""

import scrapy


class BareSpider(scrapy.Spider):
    name = "bare"

    def __init__(self, start_url: str, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = [start_url]

    def parse(self, response):
        if not hasattr(response, "text"):
            return
        for href in response.css("a::attr(href)").getall():
            if not href.startswith(("javascript:", "#", "mailto:")):
                yield response.follow(href, callback=self.parse)
