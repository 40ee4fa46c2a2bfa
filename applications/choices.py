from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentPart(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("Dossier administratif")
    TECHNICAL = "technical", _("Dossier technique")


class ScanStatus(models.TextChoices):
    """The antivirus verdict on a dossier file; "error" means clamd could not say yet."""

    PENDING = "pending", _("En cours d'analyse")
    CLEAN = "clean", _("Sain")
    INFECTED = "infected", _("Infecté")
    ERROR = "error", _("Analyse impossible pour l'instant")


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("Association")
    GIE = "gie", _("Groupement d'intérêt économique")
    COMPANY = "company", _("Société")
    OTHER = "other", _("Autre")


class Sector(models.TextChoices):
    AUTOMOTIVE = "automotive", _("Automobile")
    AERONAUTICS = "aeronautics", _("Aéronautique")
    ICT = "ict", _("Technologies de l'information et offshoring")
    ELECTRONICS = "electronics", _("Électronique, mécatronique et microélectronique")
    TEXTILE = "textile", _("Textile et cuir")
    AGRIFOOD = "agrifood", _("Agroalimentaire")
    ENERGY = "energy", _("Énergies renouvelables et efficacité énergétique")
    SEA = "sea", _("Ressources halieutiques et économie bleue")
    HEALTH = "health", _("Industrie pharmaceutique et médicale")
    CHEMISTRY = "chemistry", _("Chimie, parachimie et mines")
    RAIL = "rail", _("Ferroviaire et logistique")
    OTHER = "other", _("Autre")


class Region(models.TextChoices):
    TANGER = "tanger_tetouan_al_hoceima", _("Tanger-Tétouan-Al Hoceïma")
    ORIENTAL = "oriental", _("L'Oriental")
    FES = "fes_meknes", _("Fès-Meknès")
    RABAT = "rabat_sale_kenitra", _("Rabat-Salé-Kénitra")
    BENI_MELLAL = "beni_mellal_khenifra", _("Béni Mellal-Khénifra")
    CASABLANCA = "casablanca_settat", _("Casablanca-Settat")
    MARRAKECH = "marrakech_safi", _("Marrakech-Safi")
    DRAA = "draa_tafilalet", _("Drâa-Tafilalet")
    SOUSS = "souss_massa", _("Souss-Massa")
    GUELMIM = "guelmim_oued_noun", _("Guelmim-Oued Noun")
    LAAYOUNE = "laayoune_sakia_el_hamra", _("Laâyoune-Sakia El Hamra")
    DAKHLA = "dakhla_oued_ed_dahab", _("Dakhla-Oued Ed-Dahab")


class MemberType(models.TextChoices):
    LARGE_COMPANY = "large_company", _("Grande entreprise")
    SME = "sme", _("PME")
    STARTUP = "startup", _("Start-up")
    RESEARCH = "research", _("Unité de recherche")
    TRAINING = "training", _("Centre de formation")
    PUBLIC_BODY = "public_body", _("Organisme public")
    FINANCING = "financing", _("Organisme de financement")
    OTHER = "other", _("Autre")


# The members that count as companies for the call's minimum share.
COMPANY_TYPES = (MemberType.LARGE_COMPANY, MemberType.SME, MemberType.STARTUP)


class Indicator(models.TextChoices):
    RD_PROJECTS = "rd_projects", _("Projets collaboratifs de R&D")
    PATENTS = "patents", _("Brevets")
    STARTUPS = "startups", _("Start-ups créées")
    RD_JOBS = "rd_jobs", _("Emplois de R&D créés")
    TRAININGS = "trainings", _("Formations dispensées")
