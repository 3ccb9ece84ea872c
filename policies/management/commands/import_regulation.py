from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from policies.models import PolicyIndexPage
from policies.parsing import parse_regulations
from policies.services.importing import regulation_import, titles_disambiguated


class Command(BaseCommand):
    help = (
        "Import a plain-text regulation (metadata header, title, 第X章, 第X条, items; several regulations per file) "
        "as structured regulation pages, published as a new version. Text that does not parse is reported with its "
        "line number."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--parent", help="ID or URL path of the 保密制度 index page (default: the only one).")
        parser.add_argument("--title", help="Title for a text that has none (its first regulation).")
        parser.add_argument("--encoding", default="utf-8")
        parser.add_argument("--dry-run", action="store_true", help="Parse and report; change nothing.")
        parser.add_argument("--strict", action="store_true", help="Import nothing if any line could not be placed.")
        parser.add_argument(
            "--no-ack", action="store_true", help="The imported regulations do not ask for acknowledgement."
        )

    def handle(self, *args, file, parent=None, title=None, encoding="utf-8", **options):
        try:
            text = file.read_text(encoding=encoding)
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"无法读取 {file}: {error}") from error
        result = parse_regulations(text, title=title)
        for problem in result.problems:
            self.stderr.write(f"{file}:{problem.line}: {problem.message}: {problem.text}")
        if not result.regulations:
            raise CommandError(f"{file}: 未识别出任何制度。")
        if options["strict"] and result.problems:
            raise CommandError(f"{len(result.problems)} 处文本无法识别，按 --strict 未导入。")
        for old, new in titles_disambiguated(result.regulations):
            self.stderr.write(f"{file}: 标题重复「{old}」，改为「{new}」")
        index = None if options["dry_run"] else self._parent(parent)
        with transaction.atomic():
            for parsed in result.regulations:
                articles = len(parsed.articles())
                chapters = sum(1 for chapter in parsed.chapters if chapter.label)
                if index is None:
                    self.stdout.write(f"[dry-run] {parsed.title}: {chapters} 章, {articles} 条")
                    continue
                extra = {"ack_required": False} if options["no_ack"] else {}
                page, created = regulation_import(parent=index, parsed=parsed, **extra)
                verb = "新建" if created else "更新"
                self.stdout.write(f"{verb} {page.title} (id {page.pk}): {chapters} 章, {articles} 条")
        self.stdout.write(self.style.SUCCESS(f"{len(result.regulations)} 项制度; {len(result.problems)} 处提示。"))

    def _parent(self, parent):
        pages = PolicyIndexPage.objects.all()
        if parent:
            page = (
                pages.filter(pk=int(parent)).first()
                if parent.isdigit()
                else pages.filter(url_path__endswith=parent.strip("/") + "/").first()
            )
        else:
            page = pages.first() if pages.count() == 1 else None
        if page is None:
            raise CommandError("找不到保密制度栏目：请用 --parent 指定（页面 ID 或路径）。")
        return page
