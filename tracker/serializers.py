"""Django's JSON serializer, keeping times to the microsecond.

Stock DjangoJSONEncoder cuts datetimes and times to milliseconds, so a record written at
12:00:00.000500 would come back from `backup` + `restore` as 12:00:00. Registered as the
"json" format in settings.SERIALIZATION_MODULES: `dumpdata`, `loaddata` and the backup
commands use it; its files are still ordinary fixtures that any Django reads.
"""

import datetime

from django.core.serializers.json import (
    Deserializer,  # noqa: F401 (part of the format)
    DjangoJSONEncoder,
)
from django.core.serializers.json import Serializer as DjangoJSONSerializer


class ExactJSONEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(DjangoJSONSerializer):
    def _init_options(self):
        self.options.setdefault("cls", ExactJSONEncoder)
        super()._init_options()
