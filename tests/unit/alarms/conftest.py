from tests.support.moto_fixtures import aws, info_file, moto_url, prod_alarms

__all__ = ["aws", "info_file", "moto_url", "prod_alarms"]
