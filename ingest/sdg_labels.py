"""The UN's official short titles of the 17 SDGs in French and Spanish (the English ones are in sdgs.csv)."""

FR = {
    1: "Pas de pauvreté", 2: "Faim « zéro »", 3: "Bonne santé et bien-être", 4: "Éducation de qualité",
    5: "Égalité entre les sexes", 6: "Eau propre et assainissement", 7: "Énergie propre et d'un coût abordable",
    8: "Travail décent et croissance économique", 9: "Industrie, innovation et infrastructure",
    10: "Inégalités réduites", 11: "Villes et communautés durables", 12: "Consommation et production responsables",
    13: "Mesures relatives à la lutte contre les changements climatiques", 14: "Vie aquatique", 15: "Vie terrestre",
    16: "Paix, justice et institutions efficaces", 17: "Partenariats pour la réalisation des objectifs",
}
ES = {
    1: "Fin de la pobreza", 2: "Hambre cero", 3: "Salud y bienestar", 4: "Educación de calidad",
    5: "Igualdad de género", 6: "Agua limpia y saneamiento", 7: "Energía asequible y no contaminante",
    8: "Trabajo decente y crecimiento económico", 9: "Industria, innovación e infraestructura",
    10: "Reducción de las desigualdades", 11: "Ciudades y comunidades sostenibles",
    12: "Producción y consumo responsables", 13: "Acción por el clima", 14: "Vida submarina",
    15: "Vida de ecosistemas terrestres", 16: "Paz, justicia e instituciones sólidas",
    17: "Alianzas para lograr los objetivos",
}
