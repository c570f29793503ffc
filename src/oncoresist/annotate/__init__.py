"""oncoresist.annotate"""
