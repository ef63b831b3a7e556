"""`wenming open311_key NAME [--contact …] [--hourly-limit N]`: issue an Open311 API key for a new client.

The key is printed as the LAST line of the output (scripts take `| tail -n 1`); only its hash is stored.
`--revoke` revokes the named client's key instead.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wenming.participation import services
from wenming.participation.models import Open311Client


class Command(BaseCommand):
    help = "为 Open311 客户端签发 API 密钥（最后一行输出密钥）"

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--contact", default="")
        parser.add_argument("--hourly-limit", type=int, default=600)
        parser.add_argument("--revoke", action="store_true", help="吊销该客户端的密钥")

    def handle(self, *args, name, contact, hourly_limit, revoke, **options):
        try:
            if revoke:
                client = Open311Client.objects.filter(name=name).first()
                if client is None:
                    raise CommandError(f"客户端不存在：{name}")
                services.revoke_client(client, actor=None)
                self.stdout.write(f"已吊销：{client.name}")
                return
            client, key = services.issue_client(
                actor=None, name=name, contact=contact, hourly_limit=hourly_limit
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages))
        self.stdout.write(f"已签发 Open311 客户端“{client.name}”的密钥（只显示这一次）：")
        self.stdout.write(key)
