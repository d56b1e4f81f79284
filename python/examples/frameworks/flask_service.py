# A Flask + SQLAlchemy + pydantic service (the programs here import it): ORM
# models, a request model, and a users table bigger than any leak.
from flask import Flask, request, jsonify, g
from sqlalchemy import create_engine, Column, Integer, String, ForeignKey, select
from sqlalchemy.orm import declarative_base, sessionmaker, relationship, Session as OrmSession
from pydantic import BaseModel
import functools, logging

Base = declarative_base()

class Customer(Base):
    __tablename__ = "customers"
    id = Column(Integer, primary_key=True)
    name = Column(String(50))
    orders = relationship("Order", back_populates="customer")

class Order(Base):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    customer_id = Column(Integer, ForeignKey("customers.id"))
    item = Column(String(50))
    customer = relationship("Customer", back_populates="orders")

engine = create_engine("sqlite://")
Base.metadata.create_all(engine)
SessionLocal = sessionmaker(bind=engine)

class OrderIn(BaseModel):
    customer: str
    item: str
    quantity: int
    note: str = ""

class UserProfile(BaseModel):
    uid: int
    name: str
    email: str
    bio: str

# The legitimate big table: 6000 profiles loaded once.
PROFILES = {i: UserProfile(uid=i, name="user%d" % i, email="u%d@example.com" % i, bio="b" * 300) for i in range(6000)}

app = Flask(__name__)
log = logging.getLogger("svc")
