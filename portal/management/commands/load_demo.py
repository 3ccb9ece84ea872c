import datetime
import io

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image as PILImage
from wagtail.models import Site

from home.models import ArticlePage, HomePage, SectionIndexPage
from portal.demo import data
from portal.demo.policies import load_policies
from portal.hooks import demo_loaders_run
from portal.models import Department, PortalPage, SecureDocument, SecureImage, SecurityProfile
from portal.services.otp import backup_codes_regenerate
from portal.services.people import department_create, profile_update

BASIS = "依据《技术保密管理规定》第七条定密"


class Command(BaseCommand):
    help = "Load the demo departments, users (with TOTP devices) and pages. Safe to run again."

    @transaction.atomic
    def handle(self, *args, **options):
        departments = {code: department_create(name=name, code=code) for name, code in data.DEPARTMENTS}
        users = self._users(departments)
        home = self._home()
        documents = {key: self._document(key, spec, departments) for key, spec in data.DOCUMENTS.items()}
        images = {key: self._image(key, spec, departments) for key, spec in data.IMAGES.items()}
        self._pages(home, departments, documents, images, classifier=users["officer"])
        self._people_details(departments, users)
        load_policies(
            home=home,
            departments=departments,
            users=users,
            office_group=Group.objects.get(name=data.SECRECY_OFFICE_GROUP),
            stdout=self.stdout,
        )
        demo_loaders_run(home=home, departments=departments, users=users, stdout=self.stdout)
        call_command("rebuild_references_index", verbosity=0)
        call_command("update_index", verbosity=0)
        call_command("search_rebuild", verbosity=0)
        self.stdout.write(
            self.style.SUCCESS(f"Demo data ready: {len(users)} users, {PortalPage.objects.count()} pages.")
        )

    def _users(self, departments):
        User = get_user_model()
        office_group, _ = Group.objects.get_or_create(name=data.SECRECY_OFFICE_GROUP)
        office_group.permissions.add(
            *Permission.objects.filter(
                content_type__app_label="portal",
                codename__in=[
                    "change_securityprofile",
                    "view_securityprofile",
                    "view_readauditentry",
                    "view_department",
                ],
            ),
            Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
            # 保密办 maintains the search thesaurus.
            *Permission.objects.filter(content_type__app_label="portal_search", content_type__model="thesaurusentry"),
        )
        users = {}
        for username, full_name, _role, clearance, dept, post, employee_no, flags in data.USERS:
            user = User.objects.filter(username=username).first()
            if user is None:
                user = User.objects.create_user(
                    username=username,
                    password=demo_password(username),
                    first_name=full_name,
                    is_superuser=flags.get("superuser", False),
                    is_staff=flags.get("superuser", False),
                )
            profile = SecurityProfile.objects.get(user=user)
            profile_update(
                actor=None,
                profile=profile,
                clearance=clearance,
                department=departments[dept],
                post_category=post,
                employee_no=employee_no,
            )
            if flags.get("secrecy_office"):
                user.groups.add(office_group)
            if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
                TOTPDevice.objects.create(user=user, name="TOTP", confirmed=True)
                backup_codes_regenerate(user=user)
            users[username] = user
        return users

    def _people_details(self, departments, users):
        for code, username in data.DEPARTMENT_HEADS.items():
            Department.objects.filter(pk=departments[code].pk).update(head=users[username])
        today = timezone.localdate()
        for username, offset in data.HIRE_DATES.items():
            SecurityProfile.objects.filter(user=users[username], hire_date__isnull=True).update(
                hire_date=today + datetime.timedelta(days=offset)
            )

    def _home(self):
        site = Site.objects.get(is_default_site=True)
        if isinstance(site.root_page.specific, HomePage):
            return site.root_page.specific
        root = PortalPage.get_first_root_node()
        home = root.add_child(
            instance=HomePage(
                title="保密门户",
                slug="portal-home",
                intro="<p>欢迎使用保密门户。请按时签收保密制度、完成保密培训。</p>",
            )
        )
        old_root = site.root_page
        site.root_page = home
        site.site_name = "保密门户"
        site.save()
        if old_root.pk != home.pk and not isinstance(old_root.specific, HomePage):
            old_root.delete()
        return home

    def _marking(self, obj, clearance, term):
        obj.clearance = clearance
        obj.secrecy_term = term
        obj.classification_basis = BASIS if clearance else ""

    def _document(self, key, spec, departments):
        title, filename, clearance, term, scope, text = spec
        document = SecureDocument.objects.filter(title=title).first()
        if document is None:
            document = SecureDocument(title=title)
            document.file.save(filename, ContentFile(text.encode()), save=False)
        self._marking(document, clearance, term)
        document.save()
        document.scope.set([departments[c].group for c in scope])
        return document

    def _image(self, key, spec, departments):
        title, clearance, term, scope = spec
        image = SecureImage.objects.filter(title=title).first()
        if image is None:
            buffer = io.BytesIO()
            PILImage.new("RGB", (320, 200), (30, 90, 160)).save(buffer, format="PNG")
            image = SecureImage(title=title)
            image.file.save(f"{key}.png", ImageFile(buffer, name=f"{key}.png"), save=False)
        self._marking(image, clearance, term)
        image.save()
        image.scope.set([departments[c].group for c in scope])
        return image

    def _pages(self, home, departments, documents, images, *, classifier):
        made = {"home": home}
        for key, parent_key, kind, title, clearance, term, scope, extra in data.PAGES:
            parent = made[parent_key]
            page = PortalPage.objects.child_of(parent).filter(title=title).first()
            if page is not None:
                made[key] = page.specific
                continue
            model = SectionIndexPage if kind == "section" else ArticlePage
            page = model(title=title, slug=key, show_in_menus=extra.get("menu", False))
            self._marking(page, clearance, term)
            if clearance:
                page.classifier = classifier
            page.scope = [departments[c].group for c in scope]
            if kind == "article":
                page.summary = extra.get("summary", "")
                body = [("paragraph", f"<p>{extra.get('summary', '')}</p>")]
                if extra.get("image"):
                    body.append(("image", images[extra["image"]]))
                if extra.get("document"):
                    body.append(("document", documents[extra["document"]]))
                page.body = body
            parent.add_child(instance=page)
            page.save_revision().publish()
            made[key] = page


def demo_password(username):
    """Demo passwords are public (README); demo_users refuses to run outside DEBUG/PORTAL_DEMO."""
    return f"Demo-{username}-2026"
