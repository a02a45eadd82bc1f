from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from engine.db import Base

db = SQLAlchemy(model_class=Base)
csrf = CSRFProtect()
