"""Public-administration postal service (dịch vụ bưu chính công ích): the post office fetches a
citizen's dossier to the agency and delivers the result to their address."""
