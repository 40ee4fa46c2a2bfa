import factory
from django.utils import timezone

from accounts.models import Role, User

PASSWORD = "Un-mot-de-passe-solide-42"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.ma")
    full_name = factory.Faker("name", locale="fr_FR")
    role = Role.DIRECTOR
    email_verified_at = factory.LazyFunction(timezone.now)
    preferred_language = "fr"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])


class DirectorFactory(UserFactory):
    role = Role.DIRECTOR


class EvaluatorFactory(UserFactory):
    role = Role.EVALUATOR


class CommitteeMemberFactory(UserFactory):
    role = Role.COMMITTEE


class AdministratorFactory(UserFactory):
    role = Role.ADMINISTRATOR
