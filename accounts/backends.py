"""Django's model permissions, kept for the technical admin site only.

The portal's own rights are `rules` predicates (accounts/rules.py and each app's). Django
asks every backend until one says yes, so a refused `has_perm` reached ModelBackend, which
read the person's permissions and groups: two queries on most signed-in pages, for rights
that only people with access to the admin site can hold.
"""

from django.contrib.auth.backends import ModelBackend


class AdminSiteBackend(ModelBackend):
    def _get_permissions(self, user_obj, obj, from_name):
        if not (user_obj.is_staff or user_obj.is_superuser):
            return set()
        return super()._get_permissions(user_obj, obj, from_name)
