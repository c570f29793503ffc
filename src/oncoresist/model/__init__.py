"""oncoresist.model"""
