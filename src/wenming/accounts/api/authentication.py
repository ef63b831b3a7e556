"""Token authentication with the same guards as sign-in: inactive users and disallowed demo accounts refused."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from wenming.accounts.backends import demo_login_blocked
from wenming.accounts.services import token_expired


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>`; a token issued to a demo account stops working where demo is not allowed."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if demo_login_blocked(user):
            raise exceptions.AuthenticationFailed(_("演示账号在当前环境中不可用。"))
        if token_expired(token):
            raise exceptions.AuthenticationFailed(_("API 令牌已过期，请重新用用户名和密码换取。"))
        return user, token
