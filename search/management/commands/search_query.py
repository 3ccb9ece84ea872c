"""Print the hits a given user would get for a query: what admins use to check what someone can find."""

import json

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.html import strip_tags

from search.selectors import search_for
from search.views import results_json


class Command(BaseCommand):
    help = "Show the ranked search hits USERNAME would get for QUERY (as that user's clearance and 知悉范围 allow)."

    def add_arguments(self, parser):
        parser.add_argument("query")
        parser.add_argument("--user", required=True, help="Username whose access applies.")
        parser.add_argument("--json", action="store_true", help="Print JSON (hits with full text, score, total).")
        parser.add_argument("--page", type=int, default=1)
        parser.add_argument("--limit", type=int, default=10)

    def handle(self, *args, **options):
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user named {options['user']!r}.")
        # The command acts for an administrator checking this user's view: it applies the user's clearance and
        # groups as if they had signed in with their second factor (the command itself needs shell access).
        user.is_verified = lambda: True
        results, plan = search_for(
            user=user, query=options["query"], page=options["page"], per_page=max(1, min(options["limit"], 100))
        )
        data = results_json(results, plan, options["query"], with_score=True)
        if options["json"]:
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        self.stdout.write(
            f"{data['total']} hit(s) for {options['query']!r} as {user.username}"
            f" [{data['backend']}{', degraded' if data['degraded'] else ''}]"
        )
        for rank, hit in enumerate(data["hits"], start=(options["page"] - 1) * options["limit"] + 1):
            self.stdout.write(f"{rank:>3}. {hit['title']}  [{hit['id']}, {hit['type']}, {hit['marking']}]")
            self.stdout.write(f"     score {hit['score']}  {hit['url']}")
            if hit["regulation"]:
                self.stdout.write(f"     {hit['regulation']} {hit['article']}")
            self.stdout.write(f"     snippet: {strip_tags(hit['snippet'])}")
            self.stdout.write(f"     text: {hit['text']}")
