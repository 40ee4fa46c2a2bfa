from .models import User


def user_list():
    return User.objects.select_related("invited_by").order_by("role", "full_name")
